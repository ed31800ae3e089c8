"""SUNAT's arithmetic for sales documents (01, 03, 07, 08).

``process(doc)`` is the one entry point: every amount the caller left ``None`` is derived
("complete"), every amount the caller declared is compared with SUNAT's arithmetic and each
difference SUNAT would reject (error) or observe (warning) is reported with its return code
and the domain path of the field ("check"). Declared amounts within SUNAT's tolerance are
kept. Modules by concern: ``line`` (line amounts), ``charges`` (catalog 53 discounts and
charges), ``prepayments`` (anticipos), ``totals`` (TaxTotal and LegalMonetaryTotal),
``payments`` (detracción, percepción, retención, forma de pago), ``legends`` (catalog 52),
``rates`` (IGV, IVAP, ICBPER in force), ``check`` (SUNAT's rules, codes and tolerances),
``rounding``.
"""

from yupana.calc.document import process

__all__ = ["process"]
