//! Persistence: writing things that run again after a restart or at every
//! shell or interpreter start.

use crate::rule::{Family, Langs, Rule, Target, fires, pattern, quiet};
use chainwarden_core::{Confidence, Severity};

const F: Family = Family::Persistence;
const WHY: &str = "A package has no reason to install itself into the system's start-up; \
malware does it to survive uninstall and reboot.";

pub const SYSTEMD: Rule = pattern(
    "heuristic/persistence-systemd",
    F,
    Severity::Medium,
    Confidence::Medium,
    "Writes or enables a systemd unit",
    WHY,
    Langs::ALL,
    Target::Strings,
    r"(?i)(?:/etc/systemd/system\b|\.config/systemd/user\b|systemctl\s+(?:--user\s+)?enable\b)",
    &[
        fires("a.py", "open('/etc/systemd/system/x.service', 'w')"),
        quiet("a.py", "unit = 'x.service'"),
    ],
)
.refs(&["https://attack.mitre.org/techniques/T1543/002/"]);

pub const CRON: Rule = pattern(
    "heuristic/persistence-cron",
    F,
    Severity::Medium,
    Confidence::Medium,
    "Installs a cron job",
    WHY,
    Langs::ALL,
    Target::Strings,
    r"(?i)(?:\bcrontab\s+-|\|\s*crontab\b|/etc/cron(?:tab|\.d|\.hourly|\.daily)|/var/spool/cron)",
    &[
        fires(
            "a.py",
            "os.system('(crontab -l; echo \"@reboot /tmp/x\") | crontab -')",
        ),
        quiet("a.py", "schedule = 'cron'"),
    ],
)
.refs(&["https://attack.mitre.org/techniques/T1053/003/"]);

pub const SHELL_RC: Rule = pattern(
    "heuristic/persistence-shell-rc",
    F,
    Severity::Low,
    Confidence::Low,
    "References shell start-up files (.bashrc, .zshrc, .profile)",
    WHY,
    Langs::ALL,
    Target::Strings,
    r"(?i)(?:^|[\s/\\~])\.(?:bashrc|bash_profile|bash_login|zshrc|zprofile|zshenv|profile)\b",
    &[
        fires(
            "a.py",
            "open(os.path.expanduser('~/.bashrc'), 'a').write(line)",
        ),
        quiet("a.py", "profile = load_profile()"),
    ],
)
.refs(&["https://attack.mitre.org/techniques/T1546/004/"]);

pub const PTH_WRITE: Rule = pattern(
    "heuristic/persistence-python-startup",
    F,
    Severity::Low,
    Confidence::Low,
    "References Python start-up hooks (a .pth in site-packages, sitecustomize/usercustomize)",
    "A .pth line starting with `import` runs at every Python start-up (litellm 1.82.8).",
    Langs::ALL,
    Target::Strings,
    r"(?i)(?:(?:site|dist)-packages[/\\]+[\w.-]+\.pth\b|\bsitecustomize\.py\b|\busercustomize\.py\b)",
    &[
        fires(
            "a.py",
            "open('/usr/lib/python3/dist-packages/init.pth', 'w').write('import x')",
        ),
        fires("a.py", "p = os.path.join(d, 'sitecustomize.py')"),
        quiet("a.py", "path = 'model.pth'"),
    ],
)
.refs(&["https://docs.python.org/3/library/site.html"]);

pub const WINDOWS_RUN: Rule = pattern(
    "heuristic/persistence-windows-autorun",
    F,
    Severity::Medium,
    Confidence::Medium,
    "Writes Windows Run keys, the Startup folder or a scheduled task",
    WHY,
    Langs::ALL,
    Target::Strings,
    r"(?i)(?:CurrentVersion\\+Run(?:Once)?\b|Start Menu[\s\\/]+Programs[\s\\/]+Startup\b|\bschtasks(?:\.exe)?\s+/create\b|\\Startup\\)",
    &[
        fires(
            "a.py",
            "winreg.OpenKey(winreg.HKEY_CURRENT_USER, r'Software\\Microsoft\\Windows\\CurrentVersion\\Run')",
        ),
        fires(
            "a.py",
            "p = os.path.join(os.getenv('APPDATA'), 'Microsoft', 'Windows', 'Start Menu', 'Programs', 'Startup', 'x.pyw')",
        ),
        quiet("a.py", "run = True"),
        quiet("a.py", "menu = ['Start Menu', 'Settings']"),
    ],
)
.refs(&["https://attack.mitre.org/techniques/T1547/001/"]);

pub const LAUNCH_AGENT: Rule = pattern(
    "heuristic/persistence-launch-agent",
    F,
    Severity::Medium,
    Confidence::Medium,
    "Writes a macOS LaunchAgent or LaunchDaemon",
    WHY,
    Langs::ALL,
    Target::Strings,
    r"(?i)(?:Library/Launch(?:Agents|Daemons)\b|\blaunchctl\s+(?:load|bootstrap)\b)",
    &[
        fires(
            "a.py",
            "p = os.path.expanduser('~/Library/LaunchAgents/com.x.plist')",
        ),
        quiet("a.py", "agent = 'launch'"),
    ],
)
.refs(&["https://attack.mitre.org/techniques/T1543/001/"]);

pub const RULES: &[Rule] = &[
    SYSTEMD,
    CRON,
    SHELL_RC,
    PTH_WRITE,
    WINDOWS_RUN,
    LAUNCH_AGENT,
];
