"""Talking to SUNAT or an OSE: SOAP billService/billConsultService, GRE REST, ZIP files, CDRs."""
