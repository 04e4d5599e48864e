//! Changing the corpus folder: adding files to it and taking resolutions out of it.
//!
//! The index is always built from the corpus folder, so `add` and `remove` change the folder
//! and then update the index; a later rebuild gives the same index. Nothing is deleted:
//! removed files move to the hidden `.removed/` folder of the corpus.

use std::fs;
use std::path::{Path, PathBuf};

use crate::IndexError;
use crate::layout::IndexRoot;
use crate::manifest::Manifest;

/// Folder inside the corpus where files from outside it are copied.
pub const ADDED_FOLDER: &str = "added";
/// Hidden folder inside the corpus where removed files are kept.
pub const REMOVED_FOLDER: &str = ".removed";

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> IndexError {
    let path = path.to_path_buf();
    move |source| IndexError::Io {
        action,
        path,
        source,
    }
}

/// Brings files into the corpus: a file already inside stays where it is, a file from outside
/// is copied into `added/` (under a free name). Returns the files' paths in the corpus.
pub fn add_to_corpus(data_dir: &Path, paths: &[PathBuf]) -> Result<Vec<PathBuf>, IndexError> {
    let corpus = fs::canonicalize(data_dir).map_err(|source| IndexError::CorpusUnreadable {
        path: data_dir.to_path_buf(),
        source,
    })?;
    let mut placed = Vec::with_capacity(paths.len());
    for path in paths {
        let source = fs::canonicalize(path).map_err(io("cannot read", path))?;
        if !source.is_file() {
            return Err(IndexError::Io {
                action: "not a file:",
                path: path.clone(),
                source: std::io::Error::from(std::io::ErrorKind::InvalidInput),
            });
        }
        if source.starts_with(&corpus) {
            placed.push(source);
            continue;
        }
        let folder = corpus.join(ADDED_FOLDER);
        fs::create_dir_all(&folder).map_err(io("failed to create", &folder))?;
        let name = source
            .file_name()
            .map(Path::new)
            .unwrap_or(Path::new("file"));
        let target = free_name(&folder, name, &source)?;
        if !target.exists() {
            fs::copy(&source, &target).map_err(io("failed to copy", &source))?;
        }
        placed.push(target);
    }
    Ok(placed)
}

/// A path in `folder` for `name`: the name itself, a numbered variant when another file holds
/// it, or the existing path when that file has the same content.
fn free_name(folder: &Path, name: &Path, source: &Path) -> Result<PathBuf, IndexError> {
    let stem = name
        .file_stem()
        .map_or_else(String::new, |stem| stem.to_string_lossy().into_owned());
    let extension = name
        .extension()
        .map(|extension| format!(".{}", extension.to_string_lossy()))
        .unwrap_or_default();
    let content = fs::read(source).map_err(io("cannot read", source))?;
    for number in 0.. {
        let candidate = if number == 0 {
            folder.join(name)
        } else {
            folder.join(format!("{stem}-{number}{extension}"))
        };
        match fs::read(&candidate) {
            Ok(existing) if existing == content => return Ok(candidate),
            Ok(_) => continue,
            Err(_) => return Ok(candidate),
        }
    }
    unreachable!("some numbered name is free")
}

/// Moves the files of a resolution (by id) or one file (by path, relative to the corpus or
/// not) out of the corpus into `.removed/`. Returns the moved files, relative to the corpus.
pub fn remove_from_corpus(
    root: &IndexRoot,
    data_dir: &Path,
    target: &str,
) -> Result<Vec<String>, IndexError> {
    let corpus = fs::canonicalize(data_dir).map_err(|source| IndexError::CorpusUnreadable {
        path: data_dir.to_path_buf(),
        source,
    })?;
    let manifest = root
        .current()?
        .as_deref()
        .and_then(Manifest::load)
        .unwrap_or_default();
    if target.trim().is_empty() {
        return Err(IndexError::NotOneFile {
            target: target.to_string(),
            what: "empty",
        });
    }
    let mut relative: Vec<String> = manifest.sources_of(target);
    if relative.is_empty() {
        let candidate = Path::new(target);
        let absolute = if candidate.is_absolute() {
            candidate.to_path_buf()
        } else if corpus.join(candidate).exists() {
            corpus.join(candidate)
        } else {
            std::env::current_dir()
                .map(|dir| dir.join(candidate))
                .unwrap_or_default()
        };
        if let Some(inside) = fs::canonicalize(&absolute)
            .ok()
            .and_then(|path| path.strip_prefix(&corpus).ok().map(Path::to_path_buf))
        {
            // One regular file, never a folder: `remove .` or `remove sub` took whole trees.
            let what = if inside.as_os_str().is_empty() {
                Some("the whole corpus folder")
            } else if inside.starts_with(REMOVED_FOLDER) {
                Some("already removed")
            } else if !corpus.join(&inside).is_file() {
                Some(if corpus.join(&inside).is_dir() {
                    "a folder"
                } else {
                    "not a regular file"
                })
            } else {
                None
            };
            if let Some(what) = what {
                return Err(IndexError::NotOneFile {
                    target: target.to_string(),
                    what,
                });
            }
            relative.push(inside.to_string_lossy().into_owned());
        }
    }
    if relative.is_empty() {
        return Err(IndexError::NotInCorpus {
            target: target.to_string(),
        });
    }
    for path in &relative {
        let from = corpus.join(path);
        let to = corpus.join(REMOVED_FOLDER).join(path);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(io("failed to create", parent))?;
        }
        fs::rename(&from, &to).map_err(io("failed to move", &from))?;
    }
    Ok(relative)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BuildOptions, NoProgress, build_index};

    const TEXT: &str =
        "Резолюция совещания\n\nРекомендовано:\n1. Обеспечить участие.\n2. Продолжить работу.";

    #[test]
    fn outside_files_are_copied_in_and_removal_keeps_them() {
        let data = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let file = outside.path().join("r.txt");
        fs::write(&file, TEXT).unwrap();
        let placed = add_to_corpus(data.path(), std::slice::from_ref(&file)).unwrap();
        assert!(placed[0].ends_with("added/r.txt"));
        // Adding again does not duplicate; another file of that name gets a new one.
        assert_eq!(
            add_to_corpus(data.path(), std::slice::from_ref(&file)).unwrap(),
            placed
        );
        fs::write(&file, format!("{TEXT}\n3. Другое.")).unwrap();
        assert!(add_to_corpus(data.path(), &[file]).unwrap()[0].ends_with("added/r-1.txt"));

        let index = tempfile::tempdir().unwrap();
        let root = IndexRoot::new(index.path());
        build_index(&root, &BuildOptions::new(data.path()), &NoProgress).unwrap();
        let manifest = Manifest::load(&root.current().unwrap().unwrap()).unwrap();
        let id = manifest.id_of("added/r.txt").unwrap().to_string();
        let moved = remove_from_corpus(&root, data.path(), &id).unwrap();
        assert_eq!(moved, ["added/r.txt"]);
        assert!(data.path().join(".removed/added/r.txt").exists());
        let report = build_index(&root, &BuildOptions::new(data.path()), &NoProgress).unwrap();
        assert_eq!((report.resolutions, report.removed), (1, 1));

        let error = remove_from_corpus(&root, data.path(), "nothing-like-this").unwrap_err();
        assert!(error.to_string().contains("nothing-like-this"));
    }

    /// `remove ''` and `remove .` tried to move the whole corpus, `remove sub` a folder: only
    /// one file or one resolution id is taken, anything else is refused and nothing moves.
    #[test]
    fn remove_takes_one_file_or_one_id_and_never_a_folder() {
        let data = tempfile::tempdir().unwrap();
        fs::create_dir(data.path().join("sub")).unwrap();
        fs::write(data.path().join("sub/r.txt"), TEXT).unwrap();
        let index = tempfile::tempdir().unwrap();
        let root = IndexRoot::new(index.path());
        build_index(&root, &BuildOptions::new(data.path()), &NoProgress).unwrap();
        let sub = data.path().join("sub");
        let whole = data.path().to_string_lossy().into_owned();
        for (target, what) in [
            ("", "empty"),
            ("  ", "empty"),
            (".", "the whole corpus folder"),
            (whole.as_str(), "the whole corpus folder"),
            ("sub", "a folder"),
            (sub.to_str().unwrap(), "a folder"),
        ] {
            let error = remove_from_corpus(&root, data.path(), target).unwrap_err();
            assert!(
                matches!(&error, IndexError::NotOneFile { what: said, .. } if *said == what),
                "{target:?}: {error}"
            );
            assert!(
                error.to_string().contains("remove takes one file"),
                "{error}"
            );
            assert!(data.path().join("sub/r.txt").exists());
        }
        let moved = remove_from_corpus(&root, data.path(), "sub/r.txt").unwrap();
        assert_eq!(moved, ["sub/r.txt"]);
    }
}
