"""The Greenter dialect: Lycet's JSON (Greenter's models as Lycet serialises them) and nexus-doc's variant."""
