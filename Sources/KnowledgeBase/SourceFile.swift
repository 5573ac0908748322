import Foundation

/// A knowledge-base or answers file read into memory, within bounded limits: files are
/// checked before they are read fully, so a 50 MB file or `/dev/zero` costs nothing.
public struct SourceFile: Sendable, Equatable {
    /// Largest file read: the whole default tree is about 60 KB.
    public static let byteCountMax = 1 << 20
    /// Most files a `--tree` folder may hold.
    public static let folderFileCountMax = 64

    /// The path as the user wrote it, used in diagnostics.
    public var name: String
    public var text: String

    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }

    /// Reads one file. Errors: missing or unreadable (66), a folder (66), too large or not
    /// UTF-8 text (65).
    public static func read(_ path: String) throws(AdvisorError) -> SourceFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw AdvisorError(.noInput, "\(path): no such file")
        }
        if isDirectory.boolValue {
            throw AdvisorError(.noInput, "\(path): is a directory, expected a YAML file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw AdvisorError(.noInput, "\(path): cannot be read")
        }
        defer { try? handle.close() }
        // Read at most one byte past the limit: the size attribute lies for pipes and devices.
        let data: Data
        do {
            data = try handle.read(upToCount: byteCountMax + 1) ?? Data()
        } catch {
            throw AdvisorError(.noInput, "\(path): cannot be read")
        }
        if data.count > byteCountMax {
            throw AdvisorError(.data, "\(path): larger than \(byteCountMax / 1024) KiB; not a knowledge-base or answers file")
        }
        return try decode(data, name: path)
    }

    /// Decodes bytes as UTF-8 text, refusing binary content.
    public static func decode(_ data: Data, name: String) throws(AdvisorError) -> SourceFile {
        guard let text = String(data: data, encoding: .utf8), !text.contains("\0") else {
            throw AdvisorError(.data, "\(name): not UTF-8 text")
        }
        return SourceFile(name: name, text: text)
    }

    /// Reads a file, or every `*.yaml` file of a folder in name order.
    public static func readTree(_ path: String) throws(AdvisorError) -> [SourceFile] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw AdvisorError(.noInput, "\(path): no such file or folder")
        }
        guard isDirectory.boolValue else { return [try read(path)] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw AdvisorError(.noInput, "\(path): folder cannot be read")
        }
        let yamlNames = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        guard !yamlNames.isEmpty else {
            throw AdvisorError(.noInput, "\(path): folder holds no *.yaml file")
        }
        guard yamlNames.count <= folderFileCountMax else {
            throw AdvisorError(.data, "\(path): more than \(folderFileCountMax) YAML files")
        }
        let base = path.hasSuffix("/") ? path : path + "/"
        var files: [SourceFile] = []
        for name in yamlNames {
            files.append(try read(base + name))
        }
        return files
    }
}
