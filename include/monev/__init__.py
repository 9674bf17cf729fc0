"""monev: monitoring and evaluation of BNN RI cooperation agreements."""
