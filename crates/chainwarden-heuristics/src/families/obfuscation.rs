//! Obfuscation: code hidden in encodings and disguised names. The decoder in
//! [`crate::decode`] also unwraps these layers and rescans what they hide.

use crate::rule::{Family, Langs, Rule, Target, derived, fires, pattern, quiet};
use chainwarden_core::{Confidence, Severity};

const F: Family = Family::Obfuscation;
const REFS: &[&str] = &["https://attack.mitre.org/techniques/T1027/"];

pub const EXEC_DECODED: Rule = pattern(
    "heuristic/obfuscation-exec-decoded",
    F,
    Severity::High,
    Confidence::High,
    "Executes code straight out of a decoder (base64, zlib, marshal, hex, codecs)",
    "exec(b64decode(...)) and friends hide the real code from readers and scanners; \
legitimate packages ship their code as code.",
    Langs::PY_JS,
    Target::Both,
    r"(?:(?:^|[^.\w])(?:exec|eval)\s*\(\s*(?:[\w.]+\.|__import__\s*\([^)]*\)\.)?(?:b64decode|b32decode|b16decode|b85decode|a85decode|decodebytes|decompress|loads|fromhex|unhexlify|decode)\s*\(|(?:^|[^.\w])(?:exec|eval)\s*\([^\n]{0,200}?\.(?:decrypt|b64decode|b85decode|decompress|unhexlify|fromhex)\s*\(|\b(?:pickle|cPickle|marshal)\.loads\s*\(\s*(?:[\w.]+\.)?(?:decompress|b64decode|b85decode|unhexlify|fromhex|decrypt)\s*\(|(?:^|[^.\w])(?:eval|Function)\s*\(\s*(?:atob|Buffer\.from)\s*\()",
    &[
        fires("a.py", "import base64\nexec(base64.b64decode(_P))"),
        fires("a.py", "exec(zlib.decompress(base64.b64decode(b)))"),
        fires("a.py", "exec(marshal.loads(data))"),
        fires(
            "a.py",
            "subprocess.Popen([sys.executable, '-c', 'import base64; exec(base64.b64decode(\"aW1wb3J0IG9z\"))'])",
        ),
        fires("a.js", "eval(atob(payload))"),
        fires("a.py", "exec(__import__('base64').b64decode(x))"),
        fires("a.py", "exec(Fernet(b'a2V5').decrypt(b'gAAAAABk'))"),
        fires("a.py", "exec(zlib.decompress(bytes.fromhex(h)))"),
        quiet("a.py", "token = Fernet(key).decrypt(data)\nprint(token)"),
        fires("a.py", "obj = pickle.loads(zlib.decompress(blob))"),
        quiet("a.py", "obj = pickle.loads(f.read())"),
        quiet("a.py", "data = base64.b64decode(s)\njson.loads(data)"),
        quiet("a.py", "# exec(base64.b64decode(x))\n"),
    ],
)
.refs(REFS);

pub const MARSHAL: Rule = pattern(
    "heuristic/obfuscation-marshal",
    F,
    Severity::Medium,
    Confidence::Medium,
    "Loads raw Python bytecode with marshal.loads",
    "Bytecode loaded at run time cannot be read as source; malware uses it to hide payloads.",
    Langs::PY,
    Target::Code,
    r"\bmarshal\.loads\s*\(",
    &[
        fires("a.py", "code = marshal.loads(blob)"),
        quiet("a.py", "marshal_data = pickle.loads(b)"),
    ],
)
.refs(REFS);

pub const DYNAMIC_IMPORT: Rule = pattern(
    "heuristic/obfuscation-dynamic-import",
    F,
    Severity::Medium,
    Confidence::Medium,
    "Builds module or builtin names at run time (`__import__('o'+'s')`, `getattr(__import__(…))`)",
    "Splitting `os` or `subprocess` into pieces only serves to dodge keyword scanners.",
    Langs::PY,
    Target::Code,
    r#"(?:__import__\s*\(\s*['"][^'"\n]*['"]\s*\+|__import__\s*\(\s*(?:base64|codecs|bytes|chr\s*\(|''\.join|""\.join|\w+\.decode\s*\()|getattr\s*\(\s*(?:__import__\s*\(|__builtins__\b)|__builtins__\s*(?:\[|\.__dict__)|globals\s*\(\s*\)\s*\[\s*['"]__builtins__)"#,
    &[
        fires("a.py", "m = __import__('o' + 's')"),
        fires("a.py", "getattr(__import__('os'), 'system')('id')"),
        fires("a.py", "f = getattr(__builtins__, 'ex' + 'ec')"),
        quiet("a.py", "mod = __import__(name)"),
        quiet("a.py", "import os"),
    ],
)
.refs(REFS);

pub const CHAR_CODES: Rule = pattern(
    "heuristic/obfuscation-char-codes",
    F,
    Severity::Medium,
    Confidence::Medium,
    "Builds strings from character codes (chr() chains, String.fromCharCode, byte lists)",
    "Character-code strings hide URLs and commands from readers; the decoder rescans them.",
    Langs::PY_JS,
    Target::Code,
    r"(?:(?:chr\s*\(\s*\d+\s*\)\s*\+\s*){4,}chr\s*\(\s*\d+\s*\)|String\.fromCharCode\s*\(\s*\d+(?:\s*,\s*\d+){7,}|join\s*\(\s*(?:map\s*\(\s*chr\s*,\s*|\[?\s*chr\s*\(\s*\w+\s*\)\s*for\s+\w+\s+in\s+)\[\s*\d+(?:\s*,\s*\d+){7,}|bytes\s*\(\s*\[\s*\d+(?:\s*,\s*\d+){15,}\s*\]\s*\)\s*\.decode)",
    &[
        fires(
            "a.py",
            "u = chr(104)+chr(116)+chr(116)+chr(112)+chr(115)+chr(58)",
        ),
        fires(
            "a.js",
            "const s = String.fromCharCode(104,116,116,112,115,58,47,47,120);",
        ),
        quiet("a.py", "sep = chr(10)"),
    ],
)
.refs(REFS);

pub const ROT13: Rule = pattern(
    "heuristic/obfuscation-rot13",
    F,
    Severity::Medium,
    Confidence::Medium,
    "Decodes rot13 text with codecs",
    "rot13 has no use in a library except hiding strings.",
    Langs::PY,
    Target::Both,
    r#"(?i)codecs\.(?:decode|encode)\s*\([^)\n]*['"]rot.?13['"]"#,
    &[
        fires("a.py", "exec(codecs.decode(s, 'rot13'))"),
        quiet("a.py", "codecs.decode(s, 'utf-8')"),
    ],
)
.refs(REFS);

pub const JS_OBFUSCATOR: Rule = pattern(
    "heuristic/obfuscation-js-obfuscator",
    F,
    Severity::Medium,
    Confidence::Medium,
    "Code shaped by javascript-obfuscator (many `_0x1a2b` names)",
    "Obfuscator output in a dependency hides what it does; minifiers do not produce it.",
    Langs::JS,
    Target::Code,
    r"\b_0x[0-9a-f]{4,6}\b",
    &[
        fires(
            "a.js",
            "var _0x1a2b=['a'];var _0x3c4d=_0x1a2b;var _0x5e6f=_0x3c4d;var _0x7a8b=_0x5e6f;var _0x9c0d=_0x7a8b;var _0xa1b2=_0x9c0d;var _0xc3d4=_0xa1b2;var _0xe5f6=_0xc3d4;var _0x1111=_0xe5f6;var _0x2222=_0x1111;var _0x3333=_0x2222;var _0x4444=_0x3333;",
        ),
        quiet("a.js", "var _0x1a2b = 1;"),
    ],
)
.min_count(20)
.refs(REFS);

pub const JS_OBFUSCATOR_EMBEDDED: Rule = pattern(
    "heuristic/obfuscation-js-obfuscator-embedded",
    F,
    Severity::Medium,
    Confidence::Medium,
    "A Python string holds javascript-obfuscator output (many `_0x1a2b` names)",
    "Python code that carries obfuscated JavaScript writes it somewhere to run it \
(browser extensions, Electron apps); libraries do not.",
    Langs::PY,
    Target::Strings,
    r"\b_0x[0-9a-f]{4,6}\b",
    &[
        fires("setup.py", "open(p, 'w').write('''var _0x1a2b=[\'a\'];var _0x3c4d=_0x1a2b;var _0x5e6f=_0x3c4d;var _0x7a8b=_0x5e6f;var _0x9c0d=_0x7a8b;var _0xa1b2=_0x9c0d;var _0xc3d4=_0xa1b2;var _0xe5f6=_0xc3d4;var _0x1111=_0xe5f6;var _0x2222=_0x1111;var _0x3333=_0x2222;var _0x4444=_0x3333;let _0x1a2b=[\'a\'];let _0x3c4d=_0x1a2b;let _0x5e6f=_0x3c4d;let _0x7a8b=_0x5e6f;let _0x9c0d=_0x7a8b;let _0xa1b2=_0x9c0d;let _0xc3d4=_0xa1b2;let _0xe5f6=_0xc3d4;let _0x1111=_0xe5f6;let _0x2222=_0x1111;let _0x3333=_0x2222;let _0x4444=_0x3333;''')\n"),
        quiet("a.py", "x = '_0x1a2b'\n"),
        quiet("a.py", "_0x1a2b = 1\n_0x3c4d = 2\n_0x5e6f = 3\n_0x7a8b = 4\n_0x9c0d = 5\n_0xa1b2 = 6\n_0xc3d4 = 7\n_0xe5f6 = 8\n_0x1111 = 9\n_0x2222 = 10\n_0x3333 = 11\n_0x4444 = 12\n_0x5555 = 13\n_0x6666 = 14\n_0x7777 = 15\n_0x8888 = 16\n_0x9999 = 17\n_0xaaaa = 18\n_0xbbbb = 19\n_0xcccc = 20\n_0xdddd = 21\n"),
    ],
)
.min_count(20)
.refs(REFS);

pub const PACKER: Rule = pattern(
    "heuristic/obfuscation-packer",
    F,
    Severity::Low,
    Confidence::Medium,
    "Protected with a code packer (PyArmor runtime, known obfuscator banners)",
    "Packed code cannot be reviewed; malware often uses free packers.",
    Langs::PY,
    Target::Both,
    r"(?:\b__pyarmor__\b|\bpyarmor_runtime\b|Obfuscated (?:by|with) (?:BlankOBF|Hyperion|PyObfuscate|Kramer))",
    &[
        fires("a.py", "from pyarmor_runtime_000000 import __pyarmor__\n__pyarmor__(__name__, __file__, b'x')"),
        quiet("a.py", "armor = 1"),
    ],
)
.refs(REFS);

pub const LONG_BLOB: Rule = derived(
    "heuristic/obfuscation-long-blob",
    F,
    Severity::Low,
    Confidence::Low,
    "Holds a very long base64-looking string",
    "Long encoded blobs often carry payloads; images and fonts too, so this is weak alone. \
(Raised by the decoder for runs of 1024+ base64 characters: a counted repetition that \
long would blow up the one-pass automaton.)",
    &[
        fires(
            "a.py",
            concat!(
                "x = '",
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2",
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2",
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2",
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2",
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2",
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2",
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2",
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2",
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2",
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2",
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2",
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2",
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2",
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2",
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2",
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2",
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2",
                "'"
            ),
        ),
        quiet("a.py", "x = 'short'"),
    ],
)
.refs(REFS);

pub const HEX_ESCAPES: Rule = derived(
    "heuristic/obfuscation-hex-escapes",
    F,
    Severity::Medium,
    Confidence::Medium,
    "Writes readable text as `\\x` escapes",
    "Text written as \\x41\\x42… is readable to Python but not to a reviewer or keyword scanner.",
    &[
        fires(
            "a.py",
            "c = '\\x69\\x6d\\x70\\x6f\\x72\\x74\\x20\\x6f\\x73\\x3b\\x6f\\x73\\x2e\\x73\\x79\\x73\\x74\\x65\\x6d'",
        ),
        quiet("a.py", "magic = b'\\x89\\x50\\x4e\\x47\\x0d\\x0a\\x1a\\x0a\\x00\\x00\\x00\\x0d\\x49\\x48\\x44\\x52\\xff\\xfe'"),
    ],
)
.refs(REFS);

pub const ENCODED_CODE: Rule = derived(
    "heuristic/obfuscation-encoded-code",
    F,
    Severity::Medium,
    Confidence::Medium,
    "An encoded string (base64, hex, zlib, rot13, char codes) decodes to code",
    "Code shipped inside an encoded string exists to be run out of sight.",
    &[
        fires(
            "a.py",
            "P = 'aW1wb3J0IG9zLCBzdWJwcm9jZXNzCnN1YnByb2Nlc3MuUG9wZW4oWyJzaCIsICItYyIsICJpZCJdKQo='",
        ),
        quiet("a.py", "P = 'SGVsbG8sIHRoaXMgaXMgb25seSBhIGdyZWV0aW5nIG1lc3NhZ2UgZm9yIHlvdS4='"),
    ],
)
.refs(REFS);

pub const FERNET_TOKEN: Rule = pattern(
    "heuristic/obfuscation-fernet-token",
    F,
    Severity::Medium,
    Confidence::Medium,
    "Embeds a Fernet-encrypted token (`gAAAAA…`) in source",
    "Shipping ciphertext with its key hides a payload from readers and scanners; \
libraries do not encrypt their own code.",
    Langs::PY_JS,
    Target::Strings,
    r"\bgAAAAAB[A-Za-z0-9_-]{60,}={0,2}",
    &[
        fires(
            "a.py",
            "x = b'gAAAAABkZ3J1c3Rvbm9tZXNzYWdlaXNoZXJlYW5kbG9uZ2Vub3VnaHRvbWF0Y2h0aGVydWxlcw=='",
        ),
        quiet("a.py", "x = 'gAAAAA'"),
        quiet("a.py", "x = 'AAAAgAAAAABkZ3J1c3Rvbm9tZXNz'"),
    ],
)
.refs(REFS);

pub const RULES: &[Rule] = &[
    EXEC_DECODED,
    FERNET_TOKEN,
    MARSHAL,
    DYNAMIC_IMPORT,
    CHAR_CODES,
    ROT13,
    JS_OBFUSCATOR,
    JS_OBFUSCATOR_EMBEDDED,
    PACKER,
    LONG_BLOB,
    HEX_ESCAPES,
    ENCODED_CODE,
];
