"""Broken table markup read in source order (archiver.sites.source_order): one pass over the
tags finds both the stray end tags and the content loose in a table, for any markup."""

from hypothesis import given, settings, strategies as st

from archiver.sites import source_order as S
from archiver.text import without_spans


def read_again(text: str) -> S.Repair | None:
    """The repair made the plain way: the stray end tags found, taken out, and the fixed
    source scanned a second time for content loose in a table."""
    if not S.TABLE_TAG.search(text):
        return None
    first = S._scan(text)
    if not first.stray and not first.loose:
        return None
    fixed = without_spans(text, first.stray)
    loose = S._scan(fixed).loose
    if loose:
        fixed = S.TABLE_TAG.sub(lambda m: f"<{m.group(1)}div", fixed)
    return S.Repair(fixed, len(first.stray), loose)


# What old CMS templates are made of, and the fragments that could join into new tokens once a
# tag between them is taken out: a lone "<", "</", "<!", a comment's dashes, a ">".
FRAGMENTS = [
    "<table>", "</table>", "<tbody>", "<tr>", "</tr>", "<td>", "</td>", "<th>", "</th>", "<TD class=x>",
    "<div>", "</div>", "<p>", "</p>", "<font color=red>", "</font>", "<b>", "</b>", "<span>", "</span>",
    "<br>", "<img src=a.png/>", "<form>", "</form>", "<script>if (a<b) x()</script>", "<!-- note -->",
    "text", "More text. ", " ", "\n", "<", "</", "<!", "-", "--", ">", "->", "div>", "table>", "!--", "-->", "/td>",
]
SOUPS = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)
# Inside a cell's block, where a stray cell end is found, among the joining fragments.
IN_A_CELL = st.lists(st.sampled_from(["</td>", "</tr>", "</div>", "<p>", "x", "<", "</", "<!", "-", "--", ">", "p>", "!--"]),
                     max_size=30).map(lambda parts: "<table><tr><td><div>" + "".join(parts))


@settings(max_examples=400)
@given(st.one_of(SOUPS, IN_A_CELL))
def test_one_pass_repairs_as_reading_the_fixed_source_again_does(text):
    assert S.repaired(text) == read_again(text)


def test_a_stray_cell_end_inside_a_block_is_taken_out_and_nothing_is_left_loose():
    text = "<table><tr><td><div><p>one</p></td></font><p>two</p></div></td></tr></table>"
    fix = S.repaired(text)
    assert fix == S.Repair("<table><tr><td><div><p>one</p></font><p>two</p></div></td></tr></table>", 1, False)


def test_content_loose_in_a_row_makes_the_tables_plain_blocks():
    text = "<table><tr><td>cell</td><p>loose</p></tr></table>"
    assert S.repaired(text) == S.Repair("<div><div><div>cell</div><p>loose</p></div></div>", 0, True)


def test_a_tag_taken_out_between_a_lone_bracket_and_a_name_is_read_again():
    # "<" + "</td>" + "p>" becomes "<p>" once the stray cell end is out: a new tag, which is
    # read as such (here, in a row: loose) only by reading the fixed source again.
    text = "<table><tr><td><div>a<</td>p>b</p></div></td></tr></table>"
    assert S._joins(text, text.index("</td>"))
    assert S.repaired(text) == read_again(text)


def test_a_well_formed_table_needs_no_repair():
    assert S.repaired("<table><tr><td><div>a</div></td></tr></table><p>after</p>") is None
    assert S.repaired("<p>no table at all</p><div>a</div>") is None
