"""The HTML report: content, structure, self-containment, escaping, privacy, language."""

from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from sid_connector.report import RunPoint, render_html
from tests.report.factory import RULES, finding, sample_data
from tests.report.htmlcheck import check_well_formed

SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{15,16}(?!\d)")


def test_header_and_summary_show_village_counts_and_dates():
    page = render_html(sample_data())
    for text in ("Desa Sukamakmur", "33.01.02.2001", "2026-11-27", "1234", "398", "17", '<html lang="id">'):
        assert text in page
    summary = page.split('id="summary"')[1].split("</section>")[0]
    assert "Kesalahan" in summary
    assert "Baru sejak pemeriksaan lalu" in summary
    assert re.search(r"Selesai sejak pemeriksaan lalu<span class=\"value\">4</span>", summary)
    assert re.search(r"Kesalahan<span class=\"value\">3</span>", summary)  # 3 ERROR findings
    assert re.search(r"Baru sejak pemeriksaan lalu<span class=\"value\">1</span>", summary)


def test_every_rule_title_and_hint_appears_in_the_per_rule_table():
    section = render_html(sample_data()).split('id="by-rule"')[1].split("</section>")[0]
    for rule in RULES.values():
        assert rule.id in section
        assert rule.title in section
        assert rule.hint in section
    # ERROR rules before WARNING before INFO; NIK-FORMAT (2 findings) before FAM-NO-HEAD (1)
    order = [section.index(rule_id) for rule_id in ("NIK-FORMAT", "FAM-NO-HEAD", "PER-AKTA-LAHIR")]
    assert order == sorted(order)
    assert section.index("PER-AKTA-LAHIR") < section.index("PER-KAWIN-BELUM-TERCATAT")


def test_per_area_table_lists_each_dusun_and_rt_in_numeric_order():
    section = render_html(sample_data()).split('id="by-area"')[1].split("</section>")[0]
    for text in ("Krajan", "Sukamaju", "(tanpa dusun)", "<td>002</td>", "<td>010</td>", "<td>3</td>"):
        assert text in section
    assert section.index("<td>3</td>") < section.index("<td>010</td>")  # RT 3 before RT 10
    assert section.index("Krajan") < section.index("Sukamaju") < section.index("(tanpa dusun)")
    assert '<tr class="total"><td colspan="3">Jumlah</td>' in section


def test_details_group_by_dusun_then_rt_with_hint_and_masked_nik():
    section = render_html(sample_data()).split('id="details"')[1]
    for text in ("Dusun Krajan", "Dusun Sukamaju", "RT 002 / RW 001", "RT 010 / RW 002", "RT 3 / RW 002"):
        assert text in section
    for text in ("3301********0001", "Siti Aminah", "Akta kelahiran kosong.", "Isi nomor akta kelahiran.", "BARU"):
        assert text in section
    assert section.index("RT 3 / RW 002") < section.index("RT 010 / RW 002")


def test_trend_has_table_rows_and_an_inline_svg_bar_per_run():
    section = render_html(sample_data()).split('id="trend"')[1].split("</section>")[0]
    assert "#41" in section
    assert "#42" in section
    assert "2026-11-20 08:00" in section
    assert "<svg" in section
    assert section.count("<rect") == 9  # (2 previous runs + this one) × 3 non-zero severities
    assert '<tr class="current"><td>Sekarang</td><td>2026-11-27 08:00</td><td class="num">3</td>' in section


def test_trend_shows_only_the_last_twelve_previous_runs():
    runs = [RunPoint(run_id=i, at=f"run-{i:03d}", errors=i, warnings=0, infos=0) for i in range(1, 31)]
    section = render_html(sample_data(trend=runs)).split('id="trend"')[1].split("</section>")[0]
    assert "run-019" in section
    assert "run-018" not in section
    assert "12 pemeriksaan terakhir dari 30 ditampilkan." in section


def test_document_is_well_formed():
    checker = check_well_formed(render_html(sample_data()))
    assert [tag for tag, _ in checker.tags[:1]] == ["html"]


def test_no_external_resources_or_scripts():
    page = render_html(sample_data())
    checker = check_well_formed(page)
    for tag, attrs in checker.tags:
        assert tag not in {"link", "script", "iframe", "img", "object", "embed"}
        for name in ("src", "href", "xlink:href", "action"):
            assert not (attrs.get(name) or "").strip(), f"<{tag} {name}=...>"
    assert "http://" not in page
    assert "https://" not in page
    assert "@import" not in page
    assert "url(" not in page
    assert "@font-face" not in page


def test_printable_on_a4_with_repeating_table_headers():
    page = render_html(sample_data())
    assert "@page { size: A4" in page
    assert "thead { display: table-header-group; }" in page
    assert page.count("<thead>") == page.count("<table>")


def test_malicious_name_and_message_are_escaped():
    hostile = finding(nama="<script>alert(1)</script>", message='a "quoted" & <b>bold</b> message')
    page = render_html(sample_data(findings=[hostile], village_name="Desa <i>&amp;"))
    assert "<script>" not in page
    assert "<b>bold" not in page
    assert "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "a &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt; message" in page
    assert "Desa &lt;i&gt;&amp;amp;" in page
    check_well_formed(page)


def test_unmasked_nik_in_a_message_is_scrubbed():
    leaky = finding(message="NIK 3301021507900001 sudah digunakan; KK 330102150790001.", nik_masked="3301021507900001")
    page = render_html(sample_data(findings=[leaky]))
    assert not SIXTEEN_DIGITS.search(page)
    assert "NIK 3301********0001 sudah digunakan" in page


def test_english_labels():
    page = render_html(sample_data(lang="en"))
    assert '<html lang="en">' in page
    for text in ("Population Data Quality Report", "Residents", "Families", "Findings per rule", "How to fix", "NEW"):
        assert text in page
    assert "Petunjuk perbaikan" not in page
    assert "Penduduk<" not in page


def test_unknown_language_falls_back_to_indonesian():
    assert '<html lang="id">' in render_html(sample_data(lang="fr"))


def test_empty_report_still_renders():
    page = render_html(sample_data(findings=[], trend=[], resolved_since_last=0))
    check_well_formed(page)
    assert "Tidak ada temuan terbuka" in page
    assert "Belum ada pemeriksaan sebelumnya" in page
    assert "<svg" not in page


def test_finding_of_a_rule_missing_from_the_catalogue_is_still_counted():
    page = render_html(sample_data(findings=[finding(rule="X-NEW", hint="Petunjuk baru.")], rules={}))
    section = page.split('id="by-rule"')[1].split("</section>")[0]
    assert "X-NEW" in section
    assert "Petunjuk baru." in section


def test_malformed_kode_desa_is_shown_as_given():
    assert "33-01" in render_html(sample_data(kode_desa="33-01"))


def test_output_is_deterministic_whatever_the_input_order():
    data = sample_data()
    shuffled = replace(data, findings=list(reversed(data.findings)))
    assert render_html(data) == render_html(shuffled)


@settings(max_examples=60, deadline=None)
@given(
    nama=st.text(max_size=30),
    message=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
    dusun=st.one_of(st.none(), st.text(max_size=12)),
    rt=st.one_of(st.none(), st.text(alphabet="0123456789-", max_size=3)),
    digits=st.integers(min_value=10**14, max_value=10**16 - 1),
)
def test_any_text_stays_well_formed_and_masked(nama, message, dusun, rt, digits):
    item = finding(nama=nama, message=f"{message} {digits}", dusun=dusun, rt=rt)
    page = render_html(sample_data(findings=[item, finding(record_key="penduduk:9")]))
    check_well_formed(page)
    assert not SIXTEEN_DIGITS.search(page)
