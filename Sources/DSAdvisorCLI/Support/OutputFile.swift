import DSAdvisorCore
import Foundation

/// A file a command writes besides stdout (`--history`, `--trace`). It is opened before the
/// run starts, so a path that cannot be written fails at once, and written in place: a
/// symlink is followed, never replaced, and a FIFO or a device such as /dev/null is written
/// as the stream it is. A directory or anything else that is not a file or a stream is refused.
final class OutputFile {
    let path: String
    private let descriptor: Int32

    /// Opens (creating or truncating) `path` for the option `option`, or fails with EX_CANTCREAT.
    init(_ path: String, for option: String) throws(AdvisorError) {
        self.path = path
        // O_NONBLOCK: opening a FIFO nobody reads fails at once (ENXIO) instead of hanging.
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = errno == ENXIO ? "it is a FIFO that no process is reading" : String(cString: strerror(errno))
            throw AdvisorError(.cantCreate, "cannot create \(option) file '\(path)': \(reason)")
        }
        var info = stat()
        let kind = fstat(fd, &info) == 0 ? info.st_mode & S_IFMT : 0
        guard kind == S_IFREG || kind == S_IFIFO || kind == S_IFCHR else {
            close(fd)
            throw AdvisorError(.cantCreate, "\(option) '\(path)' is not a regular file, a FIFO or a device")
        }
        // Writes block again, as for any stream.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        descriptor = fd
    }

    /// Appends `text`, or fails with EX_IOERR naming the file.
    func write(_ text: String) throws(AdvisorError) {
        guard OutputStream.write(text, to: descriptor) else {
            throw AdvisorError(.ioError, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }
}
