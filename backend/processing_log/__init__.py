"""The processing log: who processed whose personal data, when and why (AVG art. 5(2),
30; Logius' Logboek Dataverwerkingen)."""
