"""Helpers the tests share: warehouse queries, sample paths, workbook and world builders."""
