"""Dutch legal terms as pure functions: the Algemene termijnenwet (Atw) and the Awb terms.

No Django here. ``calendar`` knows which days are Saturdays, Sundays and recognised holidays
(Atw art. 3) and applies Atw art. 1 and 2; ``terms`` computes the complaint and objection
terms of the Awb; ``penalty`` computes the penalty for a late decision (Awb 4:17-4:18).
Every computation returns the steps that explain it, citing the article each step applies.
"""
