//! Python collectors for chainwarden.
//!
//! - [`pep508`]: PEP 508 requirements and environment markers.
//! - [`environment`]: what environment a site dir belongs to (venv, conda,
//!   system) and its Python version.
//! - [`site`]: the distributions a site dir makes importable, with the
//!   order and de-duplication `pip list` applies (dist-info, egg-info,
//!   `.egg-link`, `.pth` folders).
//! - [`dist`]: reading one distribution's metadata.
//! - [`collect`]: a site dir as an inventory source with its dependency graph.
//! - [`requirements`]: `requirements*.txt` / `constraints*.txt` files.
//!
//! Nothing here runs Python: every file is read as bounded text.
//!
//! ```no_run
//! use chainwarden_core::discover::{FileKind, WalkLimits, discover};
//! use chainwarden_core::graph::paths_to;
//! use chainwarden_core::Inventory;
//! use std::path::PathBuf;
//!
//! let root = PathBuf::from(".");
//! let found = discover(&[root.clone()], WalkLimits::default());
//! let mut inv = Inventory { roots: vec![root.clone()], ..Inventory::default() };
//! for site_dir in &found.site_dirs {
//!     let (collected, errors) = chainwarden_python::collect_site_dir_within(site_dir, Some(&root));
//!     inv.errors.extend(errors);
//!     if let Some(c) = collected {
//!         inv.push(c);
//!     }
//! }
//! for file in found.files_of(FileKind::Requirements) {
//!     let (collected, errors) = chainwarden_python::collect_requirements(file, &root);
//!     inv.errors.extend(errors);
//!     if let Some(c) = collected {
//!         inv.push(c);
//!     }
//! }
//! // `chainwarden why urllib3`: every path from a root of its source.
//! for (i, c) in inv.components.iter().enumerate() {
//!     if c.package.name == "urllib3" {
//!         let search = paths_to(&inv, chainwarden_core::ComponentId(i), 20);
//!         # let _ = search.paths;
//!     }
//! }
//! ```

pub mod collect;
pub mod dist;
pub mod environment;
pub mod pep508;
pub mod requirements;
pub mod site;

pub use collect::{collect_site_dir, collect_site_dir_within};
pub use environment::{EnvironmentKind, PythonEnvironment};
pub use requirements::collect_requirements;
