//! Python collectors for chainwarden.
//!
//! - [`pep508`]: PEP 508 requirements and environment markers.
//! - [`site`]: what environment a site-packages folder belongs to.
//! - [`dist`]: the installed distributions of a site dir (dist-info, egg-info,
//!   egg-links), as `pip list` sees them, and their dependency graph.
//! - [`requirements`]: `requirements*.txt` files.
//!
//! Nothing here runs Python: every file is read as bounded text.

pub mod collect;
pub mod dist;
pub mod environment;
pub mod pep508;
pub mod site;

pub use collect::{collect_site_dir, collect_site_dir_within};
pub use environment::{EnvironmentKind, PythonEnvironment};
pub use requirements::collect_requirements;
pub mod requirements;
