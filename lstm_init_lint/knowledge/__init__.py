"""The reference behaviour and what each API call means, as data: every other list is derived from these tables."""
