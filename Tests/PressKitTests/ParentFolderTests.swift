import PressKit
import Testing

/// `String.parentFolder`: the folder part of a path, for a path of one character too.
@Suite struct ParentFolderTests {
    @Test(arguments: [
        ("a/b/c", "a/b"), ("p/slug", "p"), ("p", ""), ("é", ""), ("", ""), ("/a", "/"), ("/", "/"),
        ("/tmp/site", "/tmp"), ("a//b", "a"), ("a/b/", "a"), ("p/", ""), ("//a", "/"),
    ])
    func theFolderAboveAPath(path: String, parent: String) {
        #expect(path.parentFolder == parent)
    }
}
