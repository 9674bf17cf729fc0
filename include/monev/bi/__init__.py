"""BI tools on the warehouse (as ``monev_bi``)."""
