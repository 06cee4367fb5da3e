"""Markdown is sanitised wherever it is rendered; plain text reads as written."""

from curator.render import markdown_to_html


def test_script_handlers_javascript_links_and_remote_images_do_not_survive():
    html = markdown_to_html(
        "<script>alert(1)</script> <a href='javascript:alert(2)'>x</a> <b onclick='x()'>b</b>\n\n"
        "![remote](https://tracker.example/pixel.png) <img src='http://evil/x.png' onerror='y()'>")
    lowered = html.lower()
    for bad in ("<script", "alert(1)", "javascript:", "onclick", "onerror", "tracker.example", "evil/"):
        assert bad not in lowered


def test_plain_text_with_ampersands_and_angle_brackets_reads_as_written():
    html = markdown_to_html("A&E and <5% of Health Innovation Yorkshire & Humber")
    assert "A&amp;E" in html and "&lt;5%" in html and "Yorkshire &amp; Humber" in html


def test_formatting_and_safe_links_survive():
    html = markdown_to_html("**bold** and [NHS](https://www.england.nhs.uk)\n\n- one\n- two")
    assert "<strong>bold</strong>" in html and 'href="https://www.england.nhs.uk"' in html and "<li>one</li>" in html
