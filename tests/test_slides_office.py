"""The slides opened by LibreOffice: converted to PDF headless, every page rendered to PNG
(into test-artifacts/screenshots/ to look at), the text still there and Japanese drawn."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata

import pytest

from dashboard import access, slides

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser  # kaleido draws the pictures with Chromium

INSTALL = (
    "apt-get install -y --no-install-recommends libreoffice-impress poppler-utils"
    " (or: bash scripts/install.sh test)"
)


def office() -> str:
    found = shutil.which("libreoffice") or shutil.which("soffice")
    if found is None:
        pytest.fail(f"LibreOffice is not installed, so the slides cannot be checked: {INSTALL}")
    if shutil.which("pdftoppm") is None:
        pytest.fail(f"pdftoppm is not installed: {INSTALL}")
    return found


@pytest.mark.parametrize(
    ("name", "viewer", "lang", "region_id", "expected"),
    [
        ("tono-ja", access.STAFF, "ja", "tono", ("遠野市", "つながった人数", "参加者の声")),
        (
            "network-en",
            access.PUBLIC,
            "en",
            None,
            ("Sosei Partners", "Partner towns", "Data source"),
        ),
    ],
)
def test_libreoffice_opens_the_slides(dataset, tmp_path, name, viewer, lang, region_id, expected):
    binary = office()
    scoped = access.scope(dataset, viewer)
    source = tmp_path / f"{name}.pptx"
    source.write_bytes(slides.deck_pptx(scoped, viewer, lang, region_id))
    profile = tmp_path / "profile"  # its own profile: another LibreOffice may be running
    subprocess.run(
        [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        timeout=240,
        capture_output=True,
    )
    converted = tmp_path / f"{name}.pdf"
    assert converted.exists()
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(converted.read_bytes()))
    assert len(reader.pages) == len(slides.deck.sections(scoped, viewer, lang, region_id))
    first = reader.pages[0]
    assert float(first.mediabox.width) * 9 == pytest.approx(
        float(first.mediabox.height) * 16, rel=0.01
    )
    text = unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in reader.pages))
    for words in expected:
        assert words in text
    out = ARTIFACTS / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", str(converted), str(out / f"slides-{name}")],
        check=True,
        timeout=120,
    )
    pages = sorted(out.glob(f"slides-{name}-*.png"))
    assert len(pages) == len(reader.pages)
    from PIL import Image

    with Image.open(pages[2]) as the_map:  # a picture, so many colours
        assert len(the_map.convert("RGB").getcolors(1 << 20)) > 50


def test_without_libreoffice_the_check_fails_with_the_install_command(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match="apt-get install .*libreoffice-impress"):
        office()
