"""The value, key and document forms the fidelity corpus exercises.

Each form is YAML source text for one scalar or collection, written the
way a user might write it; the corpus places every value form under its
own key of one object, every key form as a key, and every document form
as a file of its own, so kustomize's and pleo-render's outputs can be
compared form by form.
"""

import itertools

# Plain scalars whose type depends on the YAML version and on go-yaml's
# resolver: booleans, nulls, numbers in every notation, timestamps.
WORDS = ["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True",
         "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
         "null", "Null", "NULL", "~", "", "tRUE", "nULL", "yES", "<<", "=", "-", "?",
         ":", "+", "."]
NUMBERS = ["0", "1", "-1", "+1", "007", "08", "09", "0o17", "0O17", "0x1F", "0X1f", "-0x1F",
           "0b101", "-0b101", "0b102", "1_000", "1__0", "_1", "1_", "0.0", "-0.0", "1.0", "1.",
           ".5", "-.5", "+.5", "1e3", "1E3", "1e+3", "1e-3", "1.5e10", "1.5e-10", "1e21",
           "1e22", "1e400", "-1e400", "1e-400", "123456789012345678", "9223372036854775807",
           "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
           "18446744073709551615", "18446744073709551616", "123456789012345678901234567890",
           "0.1", "0.123456789012345678", "1234567.5", "123456.5", "100000", "1000000",
           "10000000", "12345678.9", "0.0001", "0.00001", "0.000001", "0.0000001",
           "3.14159265358979323846", ".inf", "-.inf", "+.inf", ".Inf", ".INF", ".nan", ".NaN",
           ".NAN", "inf", "nan", "Infinity", "1:20", "1:20:30", "-1:20", "1:20.5", "190:20:30",
           "0x", "0o", "0b", "1e", "e1", "1.2.3", "1,000", "$1", "1-2", "12:60", "0_0", "0x_1F",
           "+0", "-0", "00", "0.", "1_000.5", "0xFFFFFFFFFFFFFFFF", "0x10000000000000000",
           "017", "0017.5", "1e01", "1e+01", "5e-324", "1.7976931348623157e308"]
TIMES = ["2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14T21:59:43.10-05:00",
         "2001-12-14 21:59:43.10", "2001-12-15T02:59:43.1Z", "2002-12-14", "2001-1-2",
         "2001-13-14", "2001-02-29", "2000-02-29", "2001-12-14T21:59:43Z",
         "2001-12-14T21:59:43+01:00", "2001-12-14 21:59:43", "2001-12-14T25:00:00Z",
         "01-12-14", "20011-12-14", "2001-12-14T21:59", "2001-12-14 21:59:43.123456789",
         "2001-12-14 21:59:43.1234567891"]
# Strings that need quoting, or only look like they might.
TRICKY = ["a: b", "a:b", "a :b", "a #b", "a#b", "#a", "*star", "&amp", "!bang", "%pct",
          "@at", "`tick", "- dash", "-dash", "--", "---", "...", "? q", "?q", "[x", "x]",
          "{x", "x}", ",x", "x,", "'s", "\"d", "|pipe", ">gt", "a|b", "a > b", "key: value: x",
          "http://example.com:8080/path?q=1#frag", "C:\\path", "tab\there", "\\", "\\n",
          "a  b", "trailing ", "trailing  ", " leading", "  leading", "\tlead", "trail\t",
          " ", "  ", "é", "héllo wörld", "日本語", "emoji 😀", "😀", "\u00a0nbsp",
          "zero\u200bwidth", "line\u2028sep", "para\u2029sep", "nel\u0085x",
          "ends in line sep\u2028", "ends in para sep\u2029", "two seps\u2028\u2028",
          "\u2028", "sep then space\u2028 ", "nel at end\u0085", "nel\u0085--- marker",
          "nel\u0085---", "nel\u0085...\u0085",
          "bell\u0007", "esc\u001b", "del\u007f", "bom\ufeffx", "nul\u0000x",
          # leading special characters (go-yaml escapes a whole string that
          # starts with U+FEFF)
          "\ufeffxyz", "\ufeff", "\ufeff\ufeff", "\ufeff é 😀\u2028", "\u2028lead",
          "\u2029lead", "\u0085lead", "\u200blead", "\u0007lead", "\u007flead",
          "\ue000pua", "\ufffdrepl", "\u00adsoft", "\ufeff\nnext",
          "0x1F is hex", "yes please", "on time", "null and void", "true story",
          "1 2 3", "1-800-FLOWERS", "v1.2.3", "1.2.3-rc.1", "sha256:abc", "image:tag",
          "a/b", "a.b", "a_b", "a-b", "A", "a" * 80, "a " * 45, ("word " * 30).strip(),
          "x" * 200, "long " + "y" * 100 + " tail", "=equals", "a=b", "<", ">", "<<<",
          "%YAML", "!!str", "& anchor", "* alias", "@", "`", "|", ">", "!", "%", "&", "*"]
MULTILINE = ["x\n", "x\ny\n", "x\ny", "\nlead", "x\n\n", "x\n\n\n", "  indented\nx\n",
             "x\n  indented\n", "trailing \nspace\n", "tab\t\nx\n", "a\r\nb\n",
             "x\n" * 3, "# not a comment\n", "- not a list\n", "key: not a map\n",
             "long " * 30 + "\nsecond\n", "\n", "\n\n", " \n", "x \n", "é\nü\n",
             "unicode 😀\nline\n", "x\u2028y\n", "last line no newline\nend",
             "x\n\u2028", "x\ny\u2029", "x\n\u2028\u2029"]


def go_quoted(s):
    """s written as a YAML double-quoted scalar."""
    out = []
    for ch in s:
        o = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif o < 0x20 or o == 0x7f or o in (0x85, 0x2028, 0x2029, 0xfeff):
            out.append("\\u%04x" % o)
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def single_quoted(s):
    return "'" + s.replace("'", "''") + "'"


def plain_ok(s):
    """Conservative test for writing s as a plain scalar in the input."""
    if not s or s != s.strip() or "\n" in s or any(ord(c) < 0x20 or ord(c) in (0x7f, 0x85, 0x2028, 0x2029, 0xfeff, 0xa0, 0x200b) for c in s):
        return False
    if s[0] in "-?:,[]{}#&*!|>'\"%@`" or ": " in s or " #" in s or s.endswith(":"):
        return False
    return True


def value_forms():
    """(description, YAML text) pairs for values, in a fixed order."""
    forms = []
    for w in WORDS + NUMBERS + TIMES:
        if plain_ok(w):
            forms.append(("plain %r" % w, w))
        forms.append(("double-quoted %r" % w, go_quoted(w)))
        if w and "\n" not in w:
            forms.append(("single-quoted %r" % w, single_quoted(w)))
    for s in TRICKY:
        forms.append(("double-quoted %r" % s, go_quoted(s)))
        if plain_ok(s):
            forms.append(("plain %r" % s, s))
    for s in MULTILINE:
        forms.append(("double-quoted %r" % s, go_quoted(s)))
    for tag, text in [("!!str", "5"), ("!!str", "true"), ("!!str", "~"), ("!!str", "1.5"),
                      ("!!int", "5"), ("!!int", "\"5\""), ("!!int", "0x1F"), ("!!float", "5"),
                      ("!!float", "1"), ("!!float", "\"1.5\""), ("!!bool", "true"),
                      ("!!null", "~"), ("!!null", "null"), ("!!str", "2001-12-14"),
                      ("!!timestamp", "2001-12-14"), ("!!binary", "aGVsbG8="),
                      ("!custom", "value"), ("!custom", "5"), ("!", "5"), ("!", "true"),
                      ("!<tag:yaml.org,2002:str>", "5"), ("!!map", "{a: 1}"), ("!!seq", "[1]")]:
        forms.append(("tagged %s %s" % (tag, text), "%s %s" % (tag, text)))
    block = [("literal clip", "|\n  line one\n  line two\n"),
             ("literal strip", "|-\n  line one\n  line two\n"),
             ("literal keep", "|+\n  line one\n  line two\n\n"),
             ("literal indent indicator", "|2\n    leading spaces\n  x\n"),
             ("folded clip", ">\n  folded one\n  folded two\n\n  para\n"),
             ("folded strip", ">-\n  folded one\n  folded two\n"),
             ("folded keep", ">+\n  folded\n\n"),
             ("folded keep, two trailing lines", ">+\n  a\n  b\n\n\n"),
             ("folded more-indented line", ">\n  a\n    more\n  b\n"),
             ("folded leading more-indented", ">\n    more\n  a\n"),
             ("folded keep then comment", ">+\n  a\n\n# trailing comment"),
             ("literal keep then comment", "|+\n  a\n\n# trailing comment"),
             ("literal keep, no empty line, then comment", "|+\n  a\n# trailing comment"),
             ("literal clip then comment", "|\n  a\n\n# trailing comment"),
             ("literal trailing spaces", "|\n  x  \n  y\n"),
             ("literal empty", "|\n"),
             ("literal only newlines", "|+\n\n\n"),
             ("plain multi-line", "first\n  second\n  third"),
             ("double-quoted escaped newline", "\"a\\\n  b\""),
             ("single-quoted folded", "'a\n\n  b'"),
             ("double-quoted unicode escapes", "\"\\u00e9\\U0001F600\\x41\""),
             ("double-quoted escapes", "\"\\0\\a\\b\\e\\f\\v\\N\\_\\L\\P\\/\""),
             ("double-quoted escapes without slash", "\"\\0\\a\\b\\e\\f\\v\\N\\_\\L\\P\\t\\\\\""),
             ("empty flow map", "{}"), ("empty flow seq", "[]"),
             ("flow map", "{b: 1, a: [x, y]}"), ("flow seq", "[1, \"2\", three, {f: g}]"),
             ("nested empty", "{a: {}, b: [], c: [[]], d: [{}]}"),
             ("null in seq", "[~, null, , x]"),
             ("block seq of maps", "\n  - name: a\n    value: 1\n  - name: b\n"),
             ("deep", "{a: {b: {c: {d: {e: {f: {g: [1, [2, [3, [4]]]]}}}}}}}"),
             ("anchor and alias", "&anc {x: 1}"),
             ("merge key", "{<<: {a: 1, b: 2}, b: 3}"),
             ("merge key list", "{<<: [{a: 1}, {a: 2, c: 3}], d: 4}"),
             ("comment after", "value # comment"),
             ("long flow seq", "[" + ", ".join("item%d" % i for i in range(40)) + "]")]
    forms.extend(block)
    return forms


def key_forms():
    """(description, key text) pairs."""
    keys = ["plain", "Upper", "UPPER", "mixedCase", "with-dash", "with_underscore",
            "with.dot", "with/slash", "with space", "a10", "a2", "a1", "A1", "b", "B",
            "_under", "-dash", ".dot", "0", "1", "10", "2", "01", "1.5", "true", "false",
            "yes", "no", "on", "off", "y", "n", "null", "~", "2001-12-14", "0x1F", "1e3",
            "é", "ü", "z", "Z", "日本", "😀", "a:b", "a#b", "k8s.io/name", "app.kubernetes.io/name",
            "x1y", "x01y", "x001y", "x1z", "x10y", "a0", "a00", "a000", "a0b", "a00b",
            "abc123def", "abc12def", "abc1234def", "$dollar", "@at", "%pct",
            "line\u2028sep", "ends in sep\u2028", "nel\u0085key", "del\u007fkey",
            "\ufeffkey", "\u2028key", "\u200bkey"]
    forms = []
    for k in keys:
        forms.append(("key %r" % k, go_quoted(k)))
        if plain_ok(k) and k not in ("~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"):
            forms.append(("plain key %r" % k, k))
    forms += [("key plain int", "7"), ("key plain bool", "true"), ("key plain null", "~"),
              ("key plain float", "1.5"), ("key single-quoted", "'sq'"),
              ("key long", "k" * 100), ("key long spaced", "long key " * 12)]
    return forms


DOCUMENTS = [
    ("leading comment", "# a comment\n{obj}"),
    ("explicit start", "---\n{obj}"),
    ("start and end markers", "---\n{obj}...\n"),
    ("empty documents around", "---\n---\n{obj}---\n"),
    ("yaml directive", "%YAML 1.1\n---\n{obj}"),
    ("tag directive", "%TAG !e! tag:example.com,2000:\n---\n{obj}"),
    ("byte order mark", "\ufeff{obj}"),
    ("CRLF line endings", "{obj_crlf}"),
    ("tabs after values", "{obj_tabs}"),
    ("flow style object", "{obj_flow}\n"),
    ("four-space indent", "{obj_four}"),
    ("indented sequences", "{obj_indented_seq}"),
    ("kind List", "apiVersion: v1\nkind: List\nitems:\n- {obj_flow}\n"),
    ("kind ConfigMapList", "apiVersion: v1\nkind: ConfigMapList\nitems:\n- {obj_flow}\n"),
    ("anchors across object", "{obj_anchor}"),
    ("document end then comment", "{obj}...\n# trailing\n"),
    ("comment-only document", "# only a comment\n---\n{obj}"),
]
