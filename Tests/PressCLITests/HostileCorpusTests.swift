import Foundation
import TestSupport
import Testing

/// The committed corpus of hostile inputs (`Tests/Corpus/hostile/*.case`): each case sets up a
/// repository, runs one command, and must get its exit code and message, with nothing changed
/// when the command refuses. With `PRESS_CORPUS_REPORT=FILE` each case's time is written there
/// (the benchmark script runs it with the release binary).
///
/// A case file: `# what it is`, then `key: value` lines — `run` (a JSON array of arguments),
/// `as` (ada, rita, eddie, mallory; default eddie), `env` (a JSON object), `exit`, `expect`
/// (text in stdout or stderr; repeatable), `commit: yes` (commit the files first, as the same
/// person), `step: PERSON [ARGUMENTS]` (a command run first; repeatable), `fifo: PATH`,
/// `symlink: PATH -> TARGET` — then files, each after a `=== PATH` line.
/// In a file, `{{repeat N TEXT}}` stands for TEXT N times, `{i}` in it the count from 0, and
/// `{{byte XX}}` for one raw byte (hex), so that a case file stays UTF-8.
@Suite struct HostileCorpusTests {
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var arguments: [String] = []
        var person = "eddie"
        var environment: [String: String] = [:]
        var exit: Int32 = 0
        var expected: [String] = []
        var commit = false
        var fifos: [String] = []
        var symlinks: [(String, String)] = []
        var files: [(String, [UInt8])] = []
        /// Commands run first (to bring `hello` into a state), each as a person.
        var steps: [(String, [String])] = []
        var description: String { name }
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Corpus/hostile")

    static let caseFiles = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
        $0.hasSuffix(".case")
    }.sorted()

    static let cases: [Case] = {
        caseFiles.compactMap { name in
            guard let text = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) else {
                return nil
            }
            return parse(text, name: String(name.dropLast(5)))
        }
    }()

    static func parse(_ text: String, name: String) -> Case {
        var result = Case(name: name)
        var lines = text.components(separatedBy: "\n")[...]
        while let line = lines.first, !line.hasPrefix("=== ") {
            lines = lines.dropFirst()
            guard !line.hasPrefix("#"), let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "run": result.arguments = (try? JSONDecoder().decode([String].self, from: Data(value.utf8))) ?? []
            case "as": result.person = value
            case "env":
                result.environment = (try? JSONDecoder().decode([String: String].self, from: Data(value.utf8))) ?? [:]
            case "exit": result.exit = Int32(value) ?? -1
            case "expect": result.expected.append(value)
            case "commit": result.commit = value == "yes"
            case "fifo": result.fifos.append(value)
            case "step":
                let person = String(value.prefix { $0 != " " })
                let arguments =
                    (try? JSONDecoder().decode([String].self, from: Data(value.dropFirst(person.count).utf8))) ?? []
                result.steps.append((person, arguments))
            case "symlink":
                let parts = value.components(separatedBy: " -> ")
                if parts.count == 2 { result.symlinks.append((parts[0], parts[1])) }
            default: break
            }
        }
        var path: String?
        var body: [String] = []
        func flush() {
            if let path { result.files.append((path, bytes(expand(body.joined(separator: "\n"))))) }
        }
        for line in lines {
            if line.hasPrefix("=== ") {
                flush()
                path = String(line.dropFirst(4))
                body = []
            } else {
                body.append(line)
            }
        }
        flush()
        return result
    }

    /// `{{repeat N TEXT}}` → TEXT N times, `{i}` numbered, `\n` a newline.
    static func expand(_ text: String) -> String {
        var output = text
        while let open = output.range(of: "{{repeat "),
            let close = output.range(of: "}}", range: open.upperBound..<output.endIndex)
        {
            let spec = output[open.upperBound..<close.lowerBound]
            let count = Int(spec.prefix { $0 != " " }) ?? 0
            let template = spec.drop { $0 != " " }.dropFirst().replacingOccurrences(of: "\\n", with: "\n")
            let expanded = (0..<count).map { template.replacingOccurrences(of: "{i}", with: String($0)) }.joined()
            output.replaceSubrange(open.lowerBound..<close.upperBound, with: expanded)
        }
        return output
    }

    /// The text's UTF-8, with each `{{byte XX}}` as that byte.
    static func bytes(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{byte "),
            let close = rest.range(of: "}}", range: open.upperBound..<rest.endIndex)
        {
            output += Array(rest[..<open.lowerBound].utf8)
            output.append(UInt8(rest[open.upperBound..<close.lowerBound], radix: 16) ?? 0x3F)
            rest = rest[close.upperBound...]
        }
        return output + Array(rest.utf8)
    }

    static let people = ["ada": People.ada, "rita": People.rita, "eddie": People.eddie, "mallory": People.mallory]

    @Test func theCorpusIsThereAndEveryCaseReads() async {
        #expect(HostileCorpusTests.cases.count >= 40)
        #expect(HostileCorpusTests.cases.count == HostileCorpusTests.caseFiles.count)
    }

    @Test(arguments: HostileCorpusTests.cases)
    func eachCaseGetsItsAnswerAndChangesNothing(_ hostile: Case) async throws {
        let repository = try await CLIRepository()
        let person = HostileCorpusTests.people[hostile.person] ?? People.eddie
        for (path, text) in hostile.files { try repository.directory.write(path, text) }
        for (path, target) in hostile.symlinks { #expect(symlink(target, repository.directory.file(path)) == 0) }
        if hostile.commit { try await repository.commitAll("hostile: \(hostile.name)", as: person) }
        for (who, arguments) in hostile.steps {
            let step = try await repository.press(arguments, as: HostileCorpusTests.people[who] ?? People.eddie)
            #expect(step.status == 0, "\(hostile.name): step \(arguments): \(step)")
        }
        for path in hostile.fifos { #expect(mkfifo(repository.directory.file(path), 0o644) == 0) }
        let before = try await Snapshot(repository)
        let started = ContinuousClock.now
        let output = try await repository.press(hostile.arguments, as: person, environment: hostile.environment)
        let elapsed = ContinuousClock.now - started
        #expect(output.status == hostile.exit, "\(hostile.name): \(output)")
        for text in hostile.expected {
            #expect(
                output.stdout.contains(text) || output.stderr.contains(text),
                "\(hostile.name): wanted '\(text)' in \(output)")
        }
        #expect(!output.stderr.contains("Fatal error"), "\(hostile.name): \(output)")
        if hostile.exit != 0 {
            #expect(try await Snapshot(repository) == before, "\(hostile.name) changed the repository")
        }
        #expect(try await repository.fsck().status == 0)
        if let report = ProcessInfo.processInfo.environment["PRESS_CORPUS_REPORT"] {
            let line =
                "\(hostile.name)\t\(output.status)\t\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)\n"
            // Appended with O_APPEND: cases run in parallel, and each line lands whole.
            let descriptor = open(report, O_WRONLY | O_APPEND | O_CREAT, 0o644)
            if descriptor >= 0 {
                _ = line.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
                close(descriptor)
            }
        }
    }
}
