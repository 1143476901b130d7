//! PEP 508 dependency specifiers (`name[extra]>=1.0; python_version < "3.11"`)
//! and environment markers, parsed as text and evaluated against a described
//! (never a running) Python environment.

use pep440_rs::{Operator, Version, VersionSpecifier, VersionSpecifiers};
use std::fmt;
use std::str::FromStr;

/// Deepest parenthesis nesting accepted in a marker (hostile input bound).
const MAX_MARKER_DEPTH: usize = 64;

/// Why a requirement or marker could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{message} (at column {column} of `{}`)",
    chainwarden_core::excerpt::excerpt(input, chainwarden_core::excerpt::MAX_EXCERPT_CHARS)
)]
pub struct Pep508Error {
    pub input: String,
    /// 1-based character column where the problem was seen.
    pub column: usize,
    pub message: String,
}

/// A parsed PEP 508 requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The name as written (see [`Requirement::normalized_name`]).
    pub name: String,
    /// Extras as written, in order.
    pub extras: Vec<String>,
    /// Version specifiers (empty when none or when `url` is set).
    pub specifiers: VersionSpecifiers,
    /// The string of an `===` clause whose operand is not a PEP 440 version
    /// (arbitrary equality compares strings, so it cannot live in `specifiers`).
    pub arbitrary_equality: Option<String>,
    /// The URL of a `name @ URL` requirement, as written.
    pub url: Option<String>,
    pub marker: Option<MarkerTree>,
    /// The version of a lone `==V` / `===V` clause exactly as written:
    /// `specifiers` holds it PEP 440-normalised (`2023.04.0` → `2023.4.0`),
    /// reports show what the file says.
    pub pinned_as_written: Option<String>,
}

impl Requirement {
    /// Parses one PEP 508 requirement.
    pub fn parse(input: &str) -> Result<Requirement, Pep508Error> {
        Parser::new(input).requirement()
    }

    /// Parses name, extras, URL and marker but leaves version specifiers
    /// unparsed (`specifiers` empty): enough to build a dependency graph of
    /// what is installed, at a fraction of the cost.
    pub(crate) fn parse_unversioned(input: &str) -> Result<Requirement, Pep508Error> {
        let mut p = Parser::new(input);
        p.skip_specifiers = true;
        p.requirement()
    }

    /// The PEP 503 normalised name.
    pub fn normalized_name(&self) -> String {
        chainwarden_core::package::pep503(&self.name)
    }

    /// The extras, normalised (PEP 685).
    pub fn normalized_extras(&self) -> Vec<String> {
        self.extras
            .iter()
            .map(|e| chainwarden_core::package::pep503(e))
            .collect()
    }

    /// True when the requirement pins one exact version (`==1.2.3` without a
    /// wildcard, or `===x`).
    pub fn pinned_version(&self) -> Option<String> {
        if self.url.is_some() {
            return None;
        }
        if let Some(a) = &self.arbitrary_equality {
            return self.specifiers.is_empty().then(|| a.clone());
        }
        match self.specifiers.iter().as_slice() {
            [one] if matches!(one.operator(), Operator::Equal | Operator::ExactEqual) => Some(
                self.pinned_as_written
                    .clone()
                    .unwrap_or_else(|| one.version().to_string()),
            ),
            _ => None,
        }
    }
}

impl FromStr for Requirement {
    type Err = Pep508Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Requirement::parse(s)
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if !self.extras.is_empty() {
            write!(f, "[{}]", self.extras.join(","))?;
        }
        if let Some(url) = &self.url {
            write!(f, " @ {url}")?;
            if let Some(m) = &self.marker {
                write!(f, " ; {m}")?;
            }
            return Ok(());
        }
        let mut first = true;
        for s in self.specifiers.iter() {
            if !first {
                f.write_str(",")?;
            }
            write!(f, "{s}")?;
            first = false;
        }
        if let Some(a) = &self.arbitrary_equality {
            if !first {
                f.write_str(",")?;
            }
            write!(f, "==={a}")?;
        }
        if let Some(m) = &self.marker {
            write!(f, "; {m}")?;
        }
        Ok(())
    }
}

/// A marker variable (PEP 508 names; the legacy dotted spellings parse too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkerVariable {
    PythonVersion,
    PythonFullVersion,
    OsName,
    SysPlatform,
    PlatformRelease,
    PlatformSystem,
    PlatformVersion,
    PlatformMachine,
    PlatformPythonImplementation,
    ImplementationName,
    ImplementationVersion,
    Extra,
}

impl MarkerVariable {
    pub const ALL: [MarkerVariable; 12] = [
        MarkerVariable::PythonVersion,
        MarkerVariable::PythonFullVersion,
        MarkerVariable::OsName,
        MarkerVariable::SysPlatform,
        MarkerVariable::PlatformRelease,
        MarkerVariable::PlatformSystem,
        MarkerVariable::PlatformVersion,
        MarkerVariable::PlatformMachine,
        MarkerVariable::PlatformPythonImplementation,
        MarkerVariable::ImplementationName,
        MarkerVariable::ImplementationVersion,
        MarkerVariable::Extra,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MarkerVariable::PythonVersion => "python_version",
            MarkerVariable::PythonFullVersion => "python_full_version",
            MarkerVariable::OsName => "os_name",
            MarkerVariable::SysPlatform => "sys_platform",
            MarkerVariable::PlatformRelease => "platform_release",
            MarkerVariable::PlatformSystem => "platform_system",
            MarkerVariable::PlatformVersion => "platform_version",
            MarkerVariable::PlatformMachine => "platform_machine",
            MarkerVariable::PlatformPythonImplementation => "platform_python_implementation",
            MarkerVariable::ImplementationName => "implementation_name",
            MarkerVariable::ImplementationVersion => "implementation_version",
            MarkerVariable::Extra => "extra",
        }
    }

    fn from_name(name: &str) -> Option<MarkerVariable> {
        if let Some(v) = MarkerVariable::ALL.into_iter().find(|v| v.name() == name) {
            return Some(v);
        }
        // Spellings from PEP 345 / setuptools that packaging still accepts.
        Some(match name {
            "os.name" => MarkerVariable::OsName,
            "sys.platform" => MarkerVariable::SysPlatform,
            "platform.version" => MarkerVariable::PlatformVersion,
            "platform.machine" => MarkerVariable::PlatformMachine,
            "platform.python_implementation" | "python_implementation" => {
                MarkerVariable::PlatformPythonImplementation
            }
            _ => return None,
        })
    }
}

/// One side of a marker comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkerValue {
    Variable(MarkerVariable),
    /// A quoted string, without its quotes.
    Literal(String),
}

impl fmt::Display for MarkerValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MarkerValue::Variable(v) => f.write_str(v.name()),
            MarkerValue::Literal(s) if s.contains('"') => write!(f, "'{s}'"),
            MarkerValue::Literal(s) => write!(f, "\"{s}\""),
        }
    }
}

/// A marker comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkerOp {
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    Compatible,
    ArbitraryEqual,
    In,
    NotIn,
}

impl MarkerOp {
    pub fn as_str(self) -> &'static str {
        match self {
            MarkerOp::Equal => "==",
            MarkerOp::NotEqual => "!=",
            MarkerOp::Less => "<",
            MarkerOp::LessEqual => "<=",
            MarkerOp::Greater => ">",
            MarkerOp::GreaterEqual => ">=",
            MarkerOp::Compatible => "~=",
            MarkerOp::ArbitraryEqual => "===",
            MarkerOp::In => "in",
            MarkerOp::NotIn => "not in",
        }
    }
}

/// `lhs op rhs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerExpression {
    pub lhs: MarkerValue,
    pub op: MarkerOp,
    pub rhs: MarkerValue,
}

/// A marker as a tree: `and` binds tighter than `or`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkerTree {
    Expression(MarkerExpression),
    And(Vec<MarkerTree>),
    Or(Vec<MarkerTree>),
}

impl MarkerTree {
    /// Parses a marker expression (the part after `;`).
    pub fn parse(input: &str) -> Result<MarkerTree, Pep508Error> {
        let mut p = Parser::new(input);
        let tree = p.marker_or(0)?;
        p.skip_ws();
        if !p.at_end() {
            return Err(p.error("expected `and`, `or` or the end of the marker"));
        }
        Ok(tree)
    }

    /// Evaluates the marker for `env`, with `extra` as the value of the
    /// `extra` variable (`None` evaluates it as the empty string, as pip does
    /// when no extra was asked for). Comparisons PEP 508 leaves undefined
    /// (`~=` on strings that are not versions) are false.
    pub fn evaluate(&self, env: &MarkerEnvironment, extra: Option<&str>) -> bool {
        match self {
            MarkerTree::Expression(e) => e.evaluate(env, extra),
            MarkerTree::And(items) => items.iter().all(|m| m.evaluate(env, extra)),
            MarkerTree::Or(items) => items.iter().any(|m| m.evaluate(env, extra)),
        }
    }

    /// Whether the marker mentions the `extra` variable anywhere.
    pub fn mentions_extra(&self) -> bool {
        match self {
            MarkerTree::Expression(e) => {
                e.lhs == MarkerValue::Variable(MarkerVariable::Extra)
                    || e.rhs == MarkerValue::Variable(MarkerVariable::Extra)
            }
            MarkerTree::And(items) | MarkerTree::Or(items) => {
                items.iter().any(MarkerTree::mentions_extra)
            }
        }
    }
}

impl FromStr for MarkerTree {
    type Err = Pep508Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MarkerTree::parse(s)
    }
}

impl fmt::Display for MarkerTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |f: &mut fmt::Formatter<'_>, items: &[MarkerTree], sep: &str| {
            for (i, m) in items.iter().enumerate() {
                if i > 0 {
                    write!(f, " {sep} ")?;
                }
                match m {
                    MarkerTree::Expression(_) => write!(f, "{m}")?,
                    _ => write!(f, "({m})")?,
                }
            }
            Ok(())
        };
        match self {
            MarkerTree::Expression(e) => write!(f, "{} {} {}", e.lhs, e.op.as_str(), e.rhs),
            MarkerTree::And(items) => join(f, items, "and"),
            MarkerTree::Or(items) => join(f, items, "or"),
        }
    }
}

/// The values marker variables take in one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerEnvironment {
    pub python_version: String,
    pub python_full_version: String,
    pub os_name: String,
    pub sys_platform: String,
    pub platform_release: String,
    pub platform_system: String,
    pub platform_version: String,
    pub platform_machine: String,
    pub platform_python_implementation: String,
    pub implementation_name: String,
    pub implementation_version: String,
    /// The Python version is not known: comparisons on `python_version`,
    /// `python_full_version` and `implementation_version` hold (so an edge
    /// to an installed distribution is kept rather than dropped on a guess).
    pub python_version_unknown: bool,
}

impl MarkerEnvironment {
    /// A CPython environment of `full_version` (`3.11.7` or `3.11`) on the
    /// platform this program runs on. Installed environments do not record
    /// their platform in text we read, and a scanned venv is normally one of
    /// this host; release/version strings are unknown and left empty.
    pub fn cpython_on_host(full_version: &str) -> MarkerEnvironment {
        let full = full_version.trim();
        let short: String = full.split('.').take(2).collect::<Vec<_>>().join(".");
        let (os_name, sys_platform, platform_system) = match std::env::consts::OS {
            "windows" => ("nt", "win32", "Windows"),
            "macos" => ("posix", "darwin", "Darwin"),
            "freebsd" => ("posix", "freebsd", "FreeBSD"),
            _ => ("posix", "linux", "Linux"),
        };
        let machine = match (std::env::consts::OS, std::env::consts::ARCH) {
            ("macos", "aarch64") => "arm64",
            ("windows", "x86_64") => "AMD64",
            (_, arch) => arch,
        };
        MarkerEnvironment {
            python_version: short,
            python_full_version: full.to_string(),
            os_name: os_name.to_string(),
            sys_platform: sys_platform.to_string(),
            platform_release: String::new(),
            platform_system: platform_system.to_string(),
            platform_version: String::new(),
            platform_machine: machine.to_string(),
            platform_python_implementation: "CPython".to_string(),
            implementation_name: "cpython".to_string(),
            implementation_version: full.to_string(),
            python_version_unknown: false,
        }
    }

    fn get(&self, v: MarkerVariable) -> &str {
        match v {
            MarkerVariable::PythonVersion => &self.python_version,
            MarkerVariable::PythonFullVersion => &self.python_full_version,
            MarkerVariable::OsName => &self.os_name,
            MarkerVariable::SysPlatform => &self.sys_platform,
            MarkerVariable::PlatformRelease => &self.platform_release,
            MarkerVariable::PlatformSystem => &self.platform_system,
            MarkerVariable::PlatformVersion => &self.platform_version,
            MarkerVariable::PlatformMachine => &self.platform_machine,
            MarkerVariable::PlatformPythonImplementation => &self.platform_python_implementation,
            MarkerVariable::ImplementationName => &self.implementation_name,
            MarkerVariable::ImplementationVersion => &self.implementation_version,
            MarkerVariable::Extra => "",
        }
    }
}

impl MarkerExpression {
    fn evaluate(&self, env: &MarkerEnvironment, extra: Option<&str>) -> bool {
        if env.python_version_unknown
            && [&self.lhs, &self.rhs].iter().any(|v| {
                matches!(
                    v,
                    MarkerValue::Variable(
                        MarkerVariable::PythonVersion
                            | MarkerVariable::PythonFullVersion
                            | MarkerVariable::ImplementationVersion
                    )
                )
            })
        {
            return true;
        }
        let is_extra = [&self.lhs, &self.rhs]
            .iter()
            .any(|v| **v == MarkerValue::Variable(MarkerVariable::Extra));
        let value = |v: &MarkerValue| -> String {
            match v {
                MarkerValue::Literal(s) => s.clone(),
                MarkerValue::Variable(MarkerVariable::Extra) => extra.unwrap_or("").to_string(),
                MarkerValue::Variable(var) => env.get(*var).to_string(),
            }
        };
        let (mut lhs, mut rhs) = (value(&self.lhs), value(&self.rhs));
        if is_extra {
            // Extras compare normalised (PEP 685), as packaging does.
            lhs = chainwarden_core::package::pep503(&lhs);
            rhs = chainwarden_core::package::pep503(&rhs);
        }
        compare(&lhs, self.op, &rhs)
    }
}

/// `lhs op rhs` as packaging evaluates it: a PEP 440 comparison when `op rhs`
/// is a valid specifier and `lhs` a valid version, string comparison otherwise.
fn compare(lhs: &str, op: MarkerOp, rhs: &str) -> bool {
    match op {
        MarkerOp::In => return rhs.contains(lhs),
        MarkerOp::NotIn => return !rhs.contains(lhs),
        MarkerOp::ArbitraryEqual => return lhs.trim().eq_ignore_ascii_case(rhs.trim()),
        _ => {}
    }
    if let (Ok(spec), Ok(version)) = (
        VersionSpecifier::from_str(&format!("{}{}", op.as_str(), rhs)),
        Version::from_str(lhs),
    ) {
        return spec.contains(&version);
    }
    match op {
        MarkerOp::Equal => lhs == rhs,
        MarkerOp::NotEqual => lhs != rhs,
        MarkerOp::Less => lhs < rhs,
        MarkerOp::LessEqual => lhs <= rhs,
        MarkerOp::Greater => lhs > rhs,
        MarkerOp::GreaterEqual => lhs >= rhs,
        _ => false,
    }
}

/// A cheap shape check of unparsed specifiers: operators, version
/// characters, commas and white space only, starting with an operator.
fn plausible_specifiers(text: &str) -> bool {
    let t = text.trim();
    t.is_empty()
        || (t.starts_with(['<', '>', '=', '!', '~'])
            && t.chars().all(|c| {
                c.is_ascii_alphanumeric()
                    || c.is_whitespace()
                    || matches!(
                        c,
                        '<' | '>' | '=' | '!' | '~' | '.' | '*' | '+' | '-' | '_' | ','
                    )
            }))
}

struct Parser<'a> {
    input: &'a str,
    pos: usize,
    skip_specifiers: bool,
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

impl<'a> Parser<'a> {
    fn new(input: &'a str) -> Parser<'a> {
        Parser {
            input,
            pos: 0,
            skip_specifiers: false,
        }
    }

    fn rest(&self) -> &'a str {
        self.input.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.input.len()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn take_while(&mut self, f: impl Fn(char) -> bool) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(&f) {
            self.bump();
        }
        self.input.get(start..self.pos).unwrap_or("")
    }

    fn error(&self, message: impl Into<String>) -> Pep508Error {
        self.error_at(self.pos, message)
    }

    fn error_at(&self, byte_pos: usize, message: impl Into<String>) -> Pep508Error {
        let column = self
            .input
            .get(..byte_pos)
            .map_or(1, |s| s.chars().count() + 1);
        Pep508Error {
            input: self.input.to_string(),
            column,
            message: message.into(),
        }
    }

    fn identifier(&mut self, what: &str) -> Result<&'a str, Pep508Error> {
        let start = self.pos;
        let name = self.take_while(is_name_char);
        if name.is_empty() {
            return Err(self.error(format!("expected {what}")));
        }
        let ok_end = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if !ok_end(name.chars().next()) || !ok_end(name.chars().last()) {
            return Err(self.error_at(
                start,
                format!("{what} `{name}` must start and end with a letter or digit"),
            ));
        }
        Ok(name)
    }

    fn requirement(&mut self) -> Result<Requirement, Pep508Error> {
        self.skip_ws();
        let name = self.identifier("a package name")?.to_string();
        self.skip_ws();
        let mut extras = Vec::new();
        if self.eat("[") {
            self.skip_ws();
            if !self.eat("]") {
                loop {
                    self.skip_ws();
                    extras.push(self.identifier("an extra name")?.to_string());
                    self.skip_ws();
                    if self.eat("]") {
                        break;
                    }
                    if !self.eat(",") {
                        return Err(self.error("expected `,` or `]` after an extra"));
                    }
                }
            }
            self.skip_ws();
        }
        let mut req = Requirement {
            name,
            extras,
            specifiers: VersionSpecifiers::empty(),
            arbitrary_equality: None,
            url: None,
            marker: None,
            pinned_as_written: None,
        };
        if self.eat("@") {
            self.skip_ws();
            let url = self.take_while(|c| !c.is_whitespace());
            if url.is_empty() {
                return Err(self.error("expected a URL after `@`"));
            }
            req.url = Some(url.to_string());
            let before_ws = self.pos;
            self.skip_ws();
            if self.at_end() {
                return Ok(req);
            }
            if self.pos == before_ws || !self.eat(";") {
                return Err(self.error("expected ` ;` and a marker after the URL"));
            }
        } else {
            let paren = self.eat("(");
            let start = self.pos;
            let text = self.take_while(|c| c != ';' && c != ')');
            if paren && !self.eat(")") {
                return Err(self.error("expected `)` to close the version specifiers"));
            }
            if !paren && self.peek() == Some(')') {
                return Err(self.error("unexpected `)`"));
            }
            if !self.skip_specifiers {
                self.version_specifiers(text, start, &mut req)?;
            } else if !plausible_specifiers(text) {
                return Err(self.error_at(
                    start,
                    format!("invalid version specifiers `{}`", text.trim()),
                ));
            }
            self.skip_ws();
            if self.at_end() {
                return Ok(req);
            }
            if !self.eat(";") {
                return Err(self.error("expected `;` before a marker"));
            }
        }
        let marker = self.marker_or(0)?;
        self.skip_ws();
        if !self.at_end() {
            return Err(self.error("expected `and`, `or` or the end of the marker"));
        }
        req.marker = Some(marker);
        Ok(req)
    }

    fn version_specifiers(
        &self,
        text: &str,
        start: usize,
        req: &mut Requirement,
    ) -> Result<(), Pep508Error> {
        if text.trim().is_empty() {
            return Ok(());
        }
        let mut specs = Vec::new();
        let mut offset = start;
        for part in text.split(',') {
            let trimmed = part.trim();
            let at = offset + (part.len() - part.trim_start().len());
            offset += part.len() + 1;
            if trimmed.is_empty() {
                return Err(self.error_at(at, "empty version specifier between commas"));
            }
            if let Some(arbitrary) = trimmed.strip_prefix("===") {
                let arbitrary = arbitrary.trim();
                if arbitrary.is_empty() || arbitrary.contains(char::is_whitespace) {
                    return Err(self.error_at(at, format!("invalid `===` clause `{trimmed}`")));
                }
                if Version::from_str(arbitrary).is_err() {
                    if req.arbitrary_equality.is_some() {
                        return Err(self.error_at(at, "more than one `===` clause"));
                    }
                    req.arbitrary_equality = Some(arbitrary.to_string());
                    continue;
                }
            }
            match VersionSpecifier::from_str(trimmed) {
                Ok(s) => {
                    if matches!(s.operator(), Operator::Equal | Operator::ExactEqual) {
                        let operand = trimmed.trim_start_matches('=').trim();
                        req.pinned_as_written = Some(operand.to_string());
                    }
                    specs.push(s);
                }
                Err(e) => {
                    return Err(
                        self.error_at(at, format!("invalid version specifier `{trimmed}`: {e}"))
                    );
                }
            }
        }
        if specs.len() != 1 {
            req.pinned_as_written = None;
        }
        req.specifiers = specs.into_iter().collect();
        Ok(())
    }

    fn marker_or(&mut self, depth: usize) -> Result<MarkerTree, Pep508Error> {
        let mut items = vec![self.marker_and(depth)?];
        while self.keyword("or") {
            items.push(self.marker_and(depth)?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            MarkerTree::Or(items)
        })
    }

    fn marker_and(&mut self, depth: usize) -> Result<MarkerTree, Pep508Error> {
        let mut items = vec![self.marker_atom(depth)?];
        while self.keyword("and") {
            items.push(self.marker_atom(depth)?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            MarkerTree::And(items)
        })
    }

    /// Consumes `word` when it follows (after white space) as a whole word.
    fn keyword(&mut self, word: &str) -> bool {
        let save = self.pos;
        self.skip_ws();
        let rest = self.rest();
        if rest.starts_with(word)
            && !rest
                .get(word.len()..)
                .and_then(|r| r.chars().next())
                .is_some_and(is_name_char)
        {
            self.pos += word.len();
            return true;
        }
        self.pos = save;
        false
    }

    fn marker_atom(&mut self, depth: usize) -> Result<MarkerTree, Pep508Error> {
        self.skip_ws();
        if self.eat("(") {
            if depth >= MAX_MARKER_DEPTH {
                return Err(self.error("marker nests parentheses too deeply"));
            }
            let inner = self.marker_or(depth + 1)?;
            self.skip_ws();
            if !self.eat(")") {
                return Err(self.error("expected `)`"));
            }
            return Ok(inner);
        }
        let lhs = self.marker_value()?;
        self.skip_ws();
        let op = self.marker_op()?;
        self.skip_ws();
        let rhs = self.marker_value()?;
        Ok(MarkerTree::Expression(MarkerExpression { lhs, op, rhs }))
    }

    fn marker_value(&mut self) -> Result<MarkerValue, Pep508Error> {
        self.skip_ws();
        match self.peek() {
            Some(q @ ('"' | '\'')) => {
                let start = self.pos;
                self.bump();
                let s = self.take_while(|c| c != q);
                if !self.eat(if q == '"' { "\"" } else { "'" }) {
                    return Err(self.error_at(start, "unterminated string in marker"));
                }
                Ok(MarkerValue::Literal(s.to_string()))
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.pos;
                let name = self.take_while(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
                MarkerVariable::from_name(name)
                    .map(MarkerValue::Variable)
                    .ok_or_else(|| {
                        self.error_at(start, format!("unknown marker variable `{name}`"))
                    })
            }
            _ => Err(self.error("expected a marker variable or a quoted string")),
        }
    }

    fn marker_op(&mut self) -> Result<MarkerOp, Pep508Error> {
        const OPS: [(&str, MarkerOp); 8] = [
            ("===", MarkerOp::ArbitraryEqual),
            ("==", MarkerOp::Equal),
            ("!=", MarkerOp::NotEqual),
            ("<=", MarkerOp::LessEqual),
            (">=", MarkerOp::GreaterEqual),
            ("~=", MarkerOp::Compatible),
            ("<", MarkerOp::Less),
            (">", MarkerOp::Greater),
        ];
        for (s, op) in OPS {
            if self.eat(s) {
                return Ok(op);
            }
        }
        if self.keyword("in") {
            return Ok(MarkerOp::In);
        }
        let save = self.pos;
        if self.keyword("not") {
            if self.peek().is_some_and(char::is_whitespace) && self.keyword("in") {
                return Ok(MarkerOp::NotIn);
            }
            self.pos = save;
        }
        Err(self
            .error("expected a comparison operator (==, !=, <, <=, >, >=, ~=, ===, in, not in)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(s: &str) -> Requirement {
        Requirement::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn env311() -> MarkerEnvironment {
        let mut e = MarkerEnvironment::cpython_on_host("3.11.7");
        e.os_name = "posix".into();
        e.sys_platform = "linux".into();
        e.platform_system = "Linux".into();
        e.platform_machine = "x86_64".into();
        e
    }

    fn eval(marker: &str) -> bool {
        MarkerTree::parse(marker)
            .unwrap_or_else(|e| panic!("{marker}: {e}"))
            .evaluate(&env311(), None)
    }

    #[test]
    fn spec_examples_parse() {
        // The examples listed in PEP 508's "Examples" section.
        let r = req("requests [security,tests] >= 2.8.1, == 2.8.* ; python_version < \"2.7\"");
        assert_eq!(r.name, "requests");
        assert_eq!(r.extras, ["security", "tests"]);
        assert_eq!(r.specifiers.len(), 2);
        assert!(r.marker.is_some());
        let r = req(
            "pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee9982d4bbb3c72346a6de940a148ea686",
        );
        assert_eq!(
            r.url.as_deref(),
            Some(
                "https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee9982d4bbb3c72346a6de940a148ea686"
            )
        );
        // A URL may hold `;`: only ` ;` (white space first) starts a marker.
        let r = req("foo @ http://x;python_version>'3'");
        assert_eq!(r.url.as_deref(), Some("http://x;python_version>'3'"));
        assert!(r.marker.is_none());
        for s in [
            "A",
            "A.B-C_D",
            "aa",
            "name",
            "name<=1",
            "name>=3",
            "name>=3,<2",
            "name@http://foo.com",
            "name [fred,bar] @ http://foo.com ; python_version=='2.7'",
            "name[quux, strange];python_version<'2.7' and platform_version=='2'",
            "name; os_name=='a' or os_name=='b'",
            "name; os_name=='a' and os_name=='b' or os_name=='c'",
            "name; os_name=='a' and (os_name=='b' or os_name=='c')",
            "name; os_name=='a' or os_name=='b' and os_name=='c'",
            "name; (os_name=='a' or os_name=='b') and os_name=='c'",
            "name (>=1.0, <2.0)",
        ] {
            req(s);
        }
    }

    #[test]
    fn white_space_and_spelling_edge_cases() {
        assert!(req("name[]").extras.is_empty());
        assert_eq!(req("name[ a , b ]").extras, ["a", "b"]);
        let r = req("name>=1.0;python_version>=\"3.6\"");
        assert_eq!(r.specifiers.len(), 1);
        assert!(r.marker.unwrap().evaluate(&env311(), None));
        assert_eq!(req("Foo.Bar_baz").normalized_name(), "foo-bar-baz");
        assert_eq!(req("x[Socks_Proxy]").normalized_extras(), ["socks-proxy"]);
        assert!(eval("'linux' == sys_platform"));
        assert!(eval("python_version in '3.10 3.11'"));
        assert!(eval("python_version in'3.11'"));
        assert!(eval("python_version > '3.10.0'"));
        assert!(eval(
            "python_full_version >= '3.11.7' and python_full_version < '3.12'"
        ));
        assert!(!eval("python_version < '3.11'"));
        assert!(
            eval("python_version == '3.11.0'"),
            "PEP 440: 3.11 == 3.11.0"
        );
        assert!(!eval("python_version != '3.11'"));
        assert!(Requirement::parse("naïve").is_err());
        assert!(MarkerTree::parse("os_name <> 'a'").is_err());
        assert!(MarkerTree::parse("os_name not 'a'").is_err());
        assert!(MarkerTree::parse("").is_err());
        let e = Requirement::parse("foo; os_name == 'a' and").unwrap_err();
        assert_eq!(e.column, 24, "{e}");
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let m = MarkerTree::parse("os_name=='a' or os_name=='b' and os_name=='c'").unwrap();
        assert!(
            matches!(&m, MarkerTree::Or(v) if v.len() == 2 && matches!(v[1], MarkerTree::And(_)))
        );
        // posix: 'a' false, 'b' false -> false; with parens the meaning changes.
        assert!(eval("os_name=='posix' or os_name=='b' and os_name=='c'"));
        assert!(!eval("(os_name=='posix' or os_name=='b') and os_name=='c'"));
    }

    #[test]
    fn version_and_string_comparisons() {
        assert!(eval("python_version >= '3.8'"));
        assert!(
            eval("python_version > '3.9'"),
            "3.11 > 3.9 as versions, not strings"
        );
        assert!(!eval("python_version < '3.9'"));
        assert!(eval("python_full_version == '3.11.*'"));
        assert!(eval("python_full_version ~= '3.11.0'"));
        assert!(eval("'3.10' < python_version"), "literal on the left");
        assert!(eval(
            "sys_platform == 'linux' and platform_system != 'Windows'"
        ));
        assert!(eval("platform_machine in 'x86_64 aarch64'"));
        assert!(eval("'arm' not in platform_machine"));
        assert!(eval("implementation_name == 'cpython'"));
        assert!(eval("platform_python_implementation === 'cpython'"));
        assert!(eval("os_name > 'nt'"), "string ordering when not versions");
        assert!(
            !eval("os_name ~= 'posix'"),
            "~= on strings is undefined: false"
        );
        assert!(eval("python_version === '3.11'"));
        assert!(eval("os.name == 'posix' and sys.platform == 'linux'"));
    }

    #[test]
    fn unknown_python_version_keeps_version_markers_true() {
        let mut env = env311();
        env.python_version_unknown = true;
        for m in ["python_version < '3'", "python_full_version >= '3.13.1'"] {
            assert!(MarkerTree::parse(m).unwrap().evaluate(&env, None), "{m}");
        }
        let m = MarkerTree::parse("python_version >= '3' and sys_platform == 'win32'").unwrap();
        assert!(!m.evaluate(&env, None), "other variables still count");
    }

    #[test]
    fn extra_is_normalised_and_defaults_to_empty() {
        let m = MarkerTree::parse("extra == 'Socks_Proxy'").unwrap();
        assert!(!m.evaluate(&env311(), None));
        assert!(m.evaluate(&env311(), Some("socks-proxy")));
        assert!(m.mentions_extra());
        let m = MarkerTree::parse("python_version >= '3' and extra == \"test\"").unwrap();
        assert!(m.evaluate(&env311(), Some("test")));
        assert!(!m.evaluate(&env311(), Some("docs")));
    }

    #[test]
    fn arbitrary_equality_in_requirements() {
        let r = req("foo===1.0-custom-build");
        assert_eq!(r.arbitrary_equality.as_deref(), Some("1.0-custom-build"));
        assert_eq!(r.pinned_version().as_deref(), Some("1.0-custom-build"));
        assert_eq!(req("foo===2.0").pinned_version().as_deref(), Some("2.0"));
        assert_eq!(req("foo==2.0").pinned_version().as_deref(), Some("2.0"));
        // The version as written, not PEP 440's normal form (the JSON docs
        // promise versions "exactly as found").
        assert_eq!(
            req("aioambient==2023.04.0").pinned_version().as_deref(),
            Some("2023.04.0")
        );
        assert_eq!(
            req("foo === 1.0.01").pinned_version().as_deref(),
            Some("1.0.01")
        );
        assert_eq!(req("foo==v1.0").pinned_version().as_deref(), Some("v1.0"));
        assert_eq!(req("foo==2.*").pinned_version(), None);
        assert_eq!(req("foo>=2").pinned_version(), None);
    }

    #[test]
    fn errors_name_the_problem() {
        for (s, needle) in [
            ("", "expected a package name"),
            ("-foo", "must start and end"),
            ("foo[bar", "expected `,` or `]`"),
            ("foo >= ", "invalid version specifier"),
            ("foo >=1,,<2", "empty version specifier"),
            ("foo @ ", "expected a URL"),
            (
                "foo @ http://x ; python_version>'3' junk",
                "expected `and`, `or`",
            ),
            ("foo @ http://x junk", "expected ` ;`"),
            ("foo; python_version", "comparison operator"),
            ("foo; bogus == '1'", "unknown marker variable `bogus`"),
            ("foo; os_name == 'a", "unterminated string"),
            ("foo; (os_name == 'a'", "expected `)`"),
            (
                "foo; os_name == 'a' xor os_name == 'b'",
                "expected `and`, `or`",
            ),
            ("foo (>=1", "expected `)`"),
        ] {
            let e = Requirement::parse(s).expect_err(s);
            assert!(e.to_string().contains(needle), "{s}: {e}");
        }
        let deep = format!("x; {}os_name=='a'{}", "(".repeat(500), ")".repeat(500));
        assert!(
            Requirement::parse(&deep)
                .unwrap_err()
                .message
                .contains("deeply")
        );
    }

    #[test]
    fn unversioned_parse_agrees_on_everything_but_specifiers() {
        for s in [
            "requests[socks]>=2.8.1,==2.8.*; python_version < '2.7'",
            "pip @ https://x/y.zip ; extra == 'a'",
            "name (>=1.0, <2.0)",
            "foo===1.0-custom",
        ] {
            let mut full = req(s);
            full.specifiers = VersionSpecifiers::empty();
            full.arbitrary_equality = None;
            full.pinned_as_written = None;
            assert_eq!(Requirement::parse_unversioned(s).unwrap(), full, "{s}");
        }
        assert!(Requirement::parse_unversioned("not a valid ((( requirement").is_err());
        assert!(Requirement::parse_unversioned("x; bogus == '1'").is_err());
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "requests[security,tests]>=2.8.1,==2.8.*; python_version < \"2.7\"",
            "name[fred,bar] @ http://foo.com ; python_version == \"2.7\"",
            "name; os_name == \"a\" and (os_name == \"b\" or os_name == \"c\")",
            "foo===1.0-custom; extra == 'x\"y'",
        ] {
            let r = req(s);
            assert_eq!(req(&r.to_string()), r, "{s} -> {r}");
        }
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn value() -> impl Strategy<Value = MarkerValue> {
            prop_oneof![
                proptest::sample::select(MarkerVariable::ALL.to_vec())
                    .prop_map(MarkerValue::Variable),
                "[a-z0-9. _-]{0,8}".prop_map(MarkerValue::Literal),
            ]
        }

        fn op() -> impl Strategy<Value = MarkerOp> {
            proptest::sample::select(vec![
                MarkerOp::Equal,
                MarkerOp::NotEqual,
                MarkerOp::Less,
                MarkerOp::LessEqual,
                MarkerOp::Greater,
                MarkerOp::GreaterEqual,
                MarkerOp::Compatible,
                MarkerOp::ArbitraryEqual,
                MarkerOp::In,
                MarkerOp::NotIn,
            ])
        }

        fn tree() -> impl Strategy<Value = MarkerTree> {
            let leaf = (value(), op(), value()).prop_map(|(lhs, op, rhs)| {
                MarkerTree::Expression(MarkerExpression { lhs, op, rhs })
            });
            leaf.prop_recursive(4, 24, 4, |inner| {
                prop_oneof![
                    proptest::collection::vec(inner.clone(), 2..4).prop_map(MarkerTree::And),
                    proptest::collection::vec(inner, 2..4).prop_map(MarkerTree::Or),
                ]
            })
        }

        proptest! {
            #[test]
            fn marker_display_parses_back(m in tree()) {
                let shown = m.to_string();
                prop_assert_eq!(MarkerTree::parse(&shown).unwrap(), m);
            }

            #[test]
            fn requirement_display_parses_back(
                name in "[A-Za-z][A-Za-z0-9._-]{0,10}[A-Za-z0-9]",
                extras in proptest::collection::vec("[a-z][a-z0-9]{0,5}", 0..3),
                major in 0u32..50, minor in 0u32..50,
                m in proptest::option::of(tree()),
            ) {
                let s = format!("{name}[{}]>={major}.{minor},<{}", extras.join(","), major + 1);
                let mut r = Requirement::parse(&s).unwrap();
                r.marker = m;
                prop_assert_eq!(Requirement::parse(&r.to_string()).unwrap(), r);
            }

            #[test]
            fn never_panics(s in "\\PC{0,60}") {
                let _ = Requirement::parse(&s);
                let _ = MarkerTree::parse(&s).map(|m| m.evaluate(&MarkerEnvironment::cpython_on_host("3.12.1"), Some("x")));
            }
        }
    }
}
