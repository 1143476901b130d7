//! Plain capabilities: network, process spawning, dynamic code execution,
//! file writes. Every big library has them, so they score nothing alone
//! (severity info); flows in [`crate::flows`] join them with other signals.

use crate::rule::{Family, Langs, Rule, Target, fires, pattern, quiet};
use chainwarden_core::{Confidence, Severity};

const F: Family = Family::Capability;
const WHY: &str =
    "A capability, not a verdict: it only matters together with other signals in the same file.";

pub const NETWORK: Rule = pattern(
    "heuristic/capability-network",
    F,
    Severity::Info,
    Confidence::High,
    "Sends or fetches data over the network",
    WHY,
    Langs::PY_JS,
    Target::Code,
    r"(?:\brequests\.(?:get|post|put|patch|request|Session)\b|\burlopen\s*\(|\burllib\.request\b|\bhttp\.client\b|\bHTTPS?Connection\s*\(|\bsocket\.socket\s*\(|\.sendall\s*\(|\bhttpx\.(?:get|post|put|Client|AsyncClient|request)\b|\baiohttp\.ClientSession\b|\bsmtplib\.SMTP|\bftplib\.FTP|\bhttps?\.(?:request|get)\s*\(|\bfetch\s*\(|\baxios(?:\.\w+)?\s*\(|\bnet\.(?:connect|createConnection|Socket)\b|\bdns\.(?:lookup|resolve\w*)\s*\(|\bnew\s+WebSocket\s*\(|\bXMLHttpRequest\b|require\s*\(\s*'(?:https?|net|dns|node-fetch|request|axios)'\s*\)|require\s*\(\s*(?:'|\x22)(?:https?|net|dns|node-fetch|request|axios)(?:'|\x22)\s*\))",
    &[
        fires("a.py", "urllib.request.urlopen(u)"),
        fires("a.py", "r = requests.post(u, data=d)"),
        fires("a.js", "const https = require('https');"),
        fires("a.js", "await fetch(url)"),
        quiet("a.py", "# requests.post(u)\nx = 'requests.post'"),
    ],
);

pub const URL: Rule = pattern(
    "heuristic/capability-url",
    F,
    Severity::Info,
    Confidence::Low,
    "Contains an http(s) URL in a string",
    WHY,
    Langs::ALL,
    Target::Strings,
    r"(?i)\bhttps?://[a-z0-9][a-z0-9.-]*",
    &[
        fires("a.py", "ENDPOINT = 'https://models.example.cloud/'"),
        quiet("a.py", "# see https://example.com\nx = 1"),
    ],
);

pub const PROCESS: Rule = pattern(
    "heuristic/capability-process",
    F,
    Severity::Info,
    Confidence::High,
    "Spawns processes or shells",
    WHY,
    Langs::PY_JS,
    Target::Code,
    r"(?:\bsubprocess\.(?:Popen|run|call|check_output|check_call|getoutput|getstatusoutput)\s*\(|\bos\.(?:system|popen|exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?|startfile)\s*\(|\bpty\.spawn\s*\(|\bcommands\.getoutput\s*\(|\bchild_process\b|\b(?:execSync|execFileSync|spawnSync|execFile)\s*\(|(?:^|[^.\w])spawn\s*\(|require\s*\(\s*['\x22]child_process['\x22]\s*\)|\bshelljs\b)",
    &[
        fires("a.py", "subprocess.Popen(['sh', '-c', cmd])"),
        fires("a.py", "os.system('id')"),
        fires(
            "a.js",
            "const cp = require('child_process'); cp.execSync('id')",
        ),
        quiet("a.py", "print('subprocess.Popen')"),
    ],
);

pub const EXEC: Rule = pattern(
    "heuristic/capability-exec",
    F,
    Severity::Info,
    Confidence::High,
    "Executes dynamically built code (exec, eval, compile, new Function)",
    WHY,
    Langs::PY_JS,
    Target::Code,
    r"(?:(?:^|[^.\w])(?:exec|eval|execfile)\s*\(|(?:^|[^.\w])compile\s*\([^)]*'exec'|\bnew\s+Function\s*\(|\bvm\.runIn\w*\s*\(|\bvm\.Script\s*\()",
    &[
        fires("a.py", "exec(code)"),
        fires("a.js", "const f = new Function('return 1');"),
        quiet("a.py", "pattern.exec(text)\nre.compile('x')"),
        quiet("a.js", "const m = /x/.exec(s);"),
    ],
);

pub const FILE_WRITE: Rule = pattern(
    "heuristic/capability-file-write",
    F,
    Severity::Info,
    Confidence::Medium,
    "Writes files",
    WHY,
    Langs::PY_JS,
    Target::Code,
    r"(?:\bopen\s*\([^)\n]*,\s*(?:mode\s*=\s*)?['\x22](?:w|a|wb|ab|w\+|a\+|wt|at|xb|x)['\x22]|\.write_(?:text|bytes)\s*\(|\bfs\.(?:writeFile|appendFile|createWriteStream)(?:Sync)?\s*\(|\burlretrieve\s*\()",
    &[
        fires("a.py", "with open(p, 'wb') as f: f.write(b)"),
        fires("a.js", "fs.writeFileSync(p, data)"),
        quiet("a.py", "with open(p) as f: f.read()"),
    ],
);

pub const CHMOD_EXEC: Rule = pattern(
    "heuristic/capability-chmod-exec",
    F,
    Severity::Info,
    Confidence::Medium,
    "Makes a file executable (chmod with an execute bit)",
    WHY,
    Langs::ALL,
    Target::Both,
    r"(?:\b(?:os\.chmod|fs\.chmod(?:Sync)?|fs\.promises\.chmod)\s*\([^)\n]*(?:\b0o?[0-7]?[1357][0-7][0-7]\b|\b(?:493|511|448|365)\b|S_IEXEC|S_IX(?:USR|GRP|OTH))|\bchmod\s+(?:[ugoa]*\+x|[0-7]?[1357][0-7][0-7])\b)",
    &[
        fires("a.py", "os.chmod(p, 0o755)"),
        fires("a.sh", "chmod +x /tmp/x && /tmp/x"),
        quiet("a.py", "mode = 0o644"),
        quiet("a.py", "os.chmod(token_file, 0o600)"),
        fires("a.py", "os.chmod(p, st.st_mode | stat.S_IEXEC)"),
    ],
);

pub const DNS_LOOKUP: Rule = pattern(
    "heuristic/capability-dns-lookup",
    F,
    Severity::Info,
    Confidence::High,
    "Resolves a host name with the Node dns module",
    WHY,
    Langs::JS,
    Target::Code,
    r"\bdns\.(?:promises\.)?(?:lookup|resolve\w*)\s*\(",
    &[
        fires("a.js", "dns.lookup(host, () => {});"),
        quiet("a.js", "const lookup = cache.lookup(host);"),
    ],
);

pub const HOST_IDENTITY: Rule = pattern(
    "heuristic/capability-host-identity",
    F,
    Severity::Info,
    Confidence::High,
    "Reads the machine's identity (host name, user name, home directory)",
    WHY,
    Langs::PY_JS,
    Target::Code,
    r"\bos\.(?:hostname|userInfo|homedir|networkInterfaces)\s*\(|\bprocess\.env\.(?:USER|USERNAME|COMPUTERNAME|HOSTNAME)\b|\bgetpass\.getuser\s*\(|\bsocket\.gethostname\s*\(|\bplatform\.node\s*\(|\bos\.getlogin\s*\(",
    &[
        fires("a.js", "const h = os.hostname();"),
        fires("a.py", "u = getpass.getuser()"),
        quiet("a.js", "const h = url.hostname;"),
    ],
);

pub const RULES: &[Rule] = &[
    NETWORK,
    URL,
    PROCESS,
    EXEC,
    FILE_WRITE,
    CHMOD_EXEC,
    DNS_LOOKUP,
    HOST_IDENTITY,
];
