"""What the BI side reads that could be hostile: a role password with the characters a
libpq password file treats specially, and partner text inside the GX pages rewritten to
load offline. Nothing else is touched, no secret lands outside its 0600 files."""

from __future__ import annotations

import html
import stat

from monev.bi import superset
from monev.db.endpoints import Endpoint
from monev.quality.data_docs import make_offline


def test_superset_gets_monev_bi_password_from_a_private_file_only(tmp_path, monkeypatch):
    monkeypatch.setenv("MONEV_HOME", str(tmp_path / "home"))
    hostile = "a:b\\c:*"
    endpoint = Endpoint("127.0.0.1", 5432, {"monev_bi": hostile, "monev_superset": "s:3"},
                        embedded=True)
    env = superset.environment(endpoint)
    pgpass = superset.home() / "pgpass"
    assert pgpass.read_text() == "127.0.0.1:5432:warehouse:monev_bi:a\\:b\\\\c\\:*\n"
    for path in (pgpass, superset.home() / "secrets.json"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not any(hostile in value for value in env.values())
    assert hostile not in superset.warehouse_uri(endpoint)


def test_offline_rewrite_leaves_partner_text_alone(tmp_path):
    site = tmp_path / "site"
    page = site / "validations" / "x" / "page.html"
    page.parent.mkdir(parents=True)
    partner = html.escape('<a href="static/evil"> src="https://evil.example/x.js"')
    page.write_text(
        '<script src="https://code.jquery.com/jquery-3.7.1.min.js" integrity="sha384-x"'
        f' crossorigin="anonymous"></script><td>{partner}</td>', encoding="utf-8")
    assert make_offline(site) == 1
    text = page.read_text(encoding="utf-8")
    assert '<script src="../../static/vendor/jquery/dist/jquery.min.js"></script>' in text
    assert f"<td>{partner}</td>" in text  # escaped partner text is never rewritten
    assert make_offline(site) == 0  # a second pass changes nothing
