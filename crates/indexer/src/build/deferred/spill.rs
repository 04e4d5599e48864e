//! The file held-back resolutions wait in, written and read in aligned blocks past the page
//! cache where the system allows it (Linux's `O_DIRECT`).
//!
//! A build holds back about one and a half times the corpus's text (each resolution's record
//! and body), written once and read once. Through the page cache every byte of it takes a page
//! of memory the build never reads twice: at 100,000 resolutions 1.5 GB of the machine's
//! memory filled with a file that is deleted a minute later, pushing out the corpus and the
//! index being written. On the 2-core virtual machines the benchmarks run on, memory the guest
//! handed back to its host costs about 2 ns a byte to touch again, so going through the page
//! cache cost 3 % of the build's CPU time. Written and read directly, the file passes through
//! one block of memory, reused.
//!
//! Where the file system refuses direct I/O (tmpfs, some network or overlay file systems), the
//! same blocks go through the page cache.

use std::fs::File;
use std::io::{self, Read, Seek, Write};

/// Alignment of every buffer address, file offset and length of direct I/O (the largest
/// logical block size of common devices).
const ALIGN: usize = 4096;
/// Bytes written or read at once.
const BLOCK: usize = 1 << 20;

/// A buffer of [`BLOCK`] bytes starting at an [`ALIGN`]ed address.
struct AlignedBlock {
    storage: Vec<u8>,
    start: usize,
}

impl AlignedBlock {
    fn new() -> Self {
        let storage = vec![0_u8; BLOCK + ALIGN];
        let start = storage.as_ptr().align_offset(ALIGN);
        assert!(start < ALIGN, "a byte buffer can always be aligned");
        Self { storage, start }
    }

    fn bytes(&self) -> &[u8] {
        &self.storage[self.start..self.start + BLOCK]
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.storage[self.start..self.start + BLOCK]
    }
}

/// Writes the file in whole blocks; [`SpillWriter::finish`] pads the last one.
pub(super) struct SpillWriter {
    file: File,
    block: AlignedBlock,
    filled: usize,
    direct: bool,
}

impl SpillWriter {
    /// Takes an empty file, asking for direct I/O where the system has it.
    pub(super) fn new(file: File) -> Self {
        Self::with_direct(file, true)
    }

    /// Takes an empty file, asking for direct I/O only if `direct`.
    fn with_direct(file: File, direct: bool) -> Self {
        let direct = direct && set_direct(&file, true).is_ok();
        Self {
            file,
            block: AlignedBlock::new(),
            filled: 0,
            direct,
        }
    }

    /// Writes the filled part of the block, padded to [`ALIGN`] with zeros.
    fn write_block(&mut self) -> io::Result<()> {
        let length = self.filled.next_multiple_of(ALIGN);
        self.block.bytes_mut()[self.filled..length].fill(0);
        let mut done = 0;
        while done < length {
            match self.file.write(&self.block.bytes()[done..length]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(written) => done += written,
                Err(error) => fall_back(&self.file, &mut self.direct, error)?,
            }
        }
        self.filled = 0;
        Ok(())
    }

    /// Pads and writes the last block, and gives the file to read from its start. Bytes past
    /// the last one written read as zeros.
    pub(super) fn finish(mut self) -> io::Result<SpillReader> {
        if self.filled > 0 {
            self.write_block()?;
        }
        self.file.rewind()?;
        Ok(SpillReader {
            file: self.file,
            block: self.block,
            position: 0,
            available: 0,
            direct: self.direct,
        })
    }
}

impl Write for SpillWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let taken = bytes.len().min(BLOCK - self.filled);
        self.block.bytes_mut()[self.filled..self.filled + taken].copy_from_slice(&bytes[..taken]);
        self.filled += taken;
        if self.filled == BLOCK {
            self.write_block()?;
        }
        Ok(taken)
    }

    /// Blocks are written when full, and the last one by [`SpillWriter::finish`].
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Reads the file back in whole blocks.
pub(super) struct SpillReader {
    file: File,
    block: AlignedBlock,
    position: usize,
    available: usize,
    direct: bool,
}

impl SpillReader {
    fn read_block(&mut self) -> io::Result<()> {
        loop {
            match self.file.read(self.block.bytes_mut()) {
                Ok(read) => {
                    self.position = 0;
                    self.available = read;
                    return Ok(());
                }
                Err(error) => fall_back(&self.file, &mut self.direct, error)?,
            }
        }
    }
}

impl Read for SpillReader {
    fn read(&mut self, bytes: &mut [u8]) -> io::Result<usize> {
        if self.position == self.available {
            self.read_block()?;
        }
        let taken = bytes.len().min(self.available - self.position);
        bytes[..taken].copy_from_slice(&self.block.bytes()[self.position..self.position + taken]);
        self.position += taken;
        Ok(taken)
    }
}

/// Turns direct I/O on or off for `file`.
#[cfg(target_os = "linux")]
fn set_direct(file: &File, on: bool) -> io::Result<()> {
    use rustix::fs::{OFlags, fcntl_getfl, fcntl_setfl};
    let flags = fcntl_getfl(file)?;
    let flags = if on {
        flags | OFlags::DIRECT
    } else {
        flags - OFlags::DIRECT
    };
    fcntl_setfl(file, flags)?;
    Ok(())
}

/// Direct I/O is asked for on Linux only; elsewhere the file goes through the page cache.
#[cfg(not(target_os = "linux"))]
fn set_direct(_file: &File, on: bool) -> io::Result<()> {
    if on {
        Err(io::ErrorKind::Unsupported.into())
    } else {
        Ok(())
    }
}

/// What a failed read or write leads to: a retry after an interruption, or through the page
/// cache after a file system took the direct I/O flag but refuses the transfer (`EINVAL`);
/// otherwise the error.
fn fall_back(file: &File, direct: &mut bool, error: io::Error) -> io::Result<()> {
    match error.kind() {
        io::ErrorKind::Interrupted => Ok(()),
        io::ErrorKind::InvalidInput if *direct => {
            set_direct(file, false)?;
            *direct = false;
            Ok(())
        }
        _ => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records of every length, across block boundaries, read back as written, directly where
    /// the folder's file system allows it and through the page cache.
    #[test]
    fn what_is_written_reads_back_byte_for_byte() {
        for direct in [true, false] {
            write_and_read_back(direct);
        }
    }

    fn write_and_read_back(direct: bool) {
        let folder = tempfile::tempdir().unwrap();
        let file = tempfile::tempfile_in(folder.path()).unwrap();
        let mut writer = SpillWriter::with_direct(file, direct);
        let records: Vec<Vec<u8>> = (0..300_usize)
            .map(|n| {
                let length = (n * 7919) % (BLOCK / 3) + n % 5;
                (0..length).map(|i| (i * 31 + n) as u8).collect()
            })
            .collect();
        for record in &records {
            writer
                .write_all(&(record.len() as u64).to_le_bytes())
                .unwrap();
            writer.write_all(record).unwrap();
        }
        let mut reader = writer.finish().unwrap();
        for record in &records {
            let mut length = [0_u8; 8];
            reader.read_exact(&mut length).unwrap();
            assert_eq!(u64::from_le_bytes(length) as usize, record.len());
            let mut back = vec![0_u8; record.len()];
            reader.read_exact(&mut back).unwrap();
            assert!(
                back == *record,
                "a record of {} bytes changed",
                record.len()
            );
        }
        // Past the end: only the last block's padding.
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest).unwrap();
        assert!(rest.len() < ALIGN && rest.iter().all(|byte| *byte == 0));
    }
}
