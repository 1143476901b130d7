//! Container image references.

/// Splits `registry:port/repo:tag` or `repo@sha256:…` into the image name and
/// its tag or digest. A `:` before the last `/` is a registry port, not a tag.
pub fn split_image(image: &str) -> (String, Option<String>) {
    if let Some((name, digest)) = image.split_once('@') {
        return (name.to_string(), Some(digest.to_string()));
    }
    let last_slash = image.rfind('/').map_or(0, |i| i + 1);
    match image[last_slash..].rfind(':') {
        Some(i) => (
            image[..last_slash + i].to_string(),
            Some(image[last_slash + i + 1..].to_string()),
        ),
        None => (image.to_string(), None),
    }
}

/// Is this a `sha256:` digest of the right length?
pub fn is_digest(reference: &str) -> bool {
    reference
        .strip_prefix("sha256:")
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_split_around_registry_ports() {
        assert_eq!(
            split_image("localhost:5000/img"),
            ("localhost:5000/img".into(), None)
        );
        assert_eq!(
            split_image("localhost:5000/img:1.2"),
            ("localhost:5000/img".into(), Some("1.2".into()))
        );
        assert_eq!(
            split_image("img@sha256:ab"),
            ("img".into(), Some("sha256:ab".into()))
        );
        assert!(!is_digest("sha256:ab"));
    }
}
