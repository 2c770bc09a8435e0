# press: the two commands a new user runs are `make demo` and `make test`.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := libgit2-dev libcmark-gfm-dev libcmark-gfm-extensions-dev pkg-config git

.PHONY: deps build release deb deb-test demo test test-tsan test-asan lint format bench clean

# Installs the Debian packages press builds against (libgit2, cmark-gfm), when pkg-config cannot find them.
deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists libgit2 libcmark-gfm || ! command -v git >/dev/null 2>&1; then \
		echo "installing $(APT_PACKAGES) with apt-get"; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES); \
	fi

build: deps
	$(SWIFT) build

# Statically linked Swift runtime: a press command starts in half the time.
release: deps
	$(SWIFT) build -c release --static-swift-stdlib

# A Debian package (binary, man pages, completions, systemd units) in .build/deb/.
deb: deps
	bash scripts/deb.sh

# Installs that package here, runs the demo against /usr/bin/press, and removes it; CI runs it.
deb-test: deps
	bash scripts/deb-test.sh

# The whole lifecycle on a scratch copy of the bundled content; the checkout is not touched.
demo: build
	@bash scripts/demo.sh

# The tests also cross-check SSH commit signatures with OpenSSH's ssh-keygen, and look at the
# site in headless Chromium (skipped where Chromium cannot be installed).
test: deps
	@command -v ssh-keygen >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-client; }
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium python3; } || echo "Chromium could not be installed: the browser tests are skipped"
	$(SWIFT) build
	$(SWIFT) test

# The library's tests (validation's parallel scan among them) under ThreadSanitizer, in a build
# folder of their own; CI runs it after `make test`. Reports go to .build-tsan/tsan-report.PID;
# when there are any, their gist (where each access was) is printed last.
test-tsan: deps
	$(SWIFT) build --build-tests --sanitize=thread --build-path .build-tsan
	rm -f .build-tsan/tsan-report.*
	TSAN_OPTIONS=suppressions=$(CURDIR)/Tests/tsan.supp:log_path=$(CURDIR)/.build-tsan/tsan-report \
		$(SWIFT) test --sanitize=thread --build-path .build-tsan --skip-build --filter PressKitTests \
		|| { cat .build-tsan/tsan-report.* 2>/dev/null | awk '/^  [A-Z].* (access of|of size) /{n=3} n-->0; /^SUMMARY/' \
			| sed -E 's/ \(pressPackageTests.*//' | cut -c1-180 | head -14; exit 1; }

# The git layer's and the library's tests under AddressSanitizer and LeakSanitizer (use after
# free, double free, overflows, leaks), in a build folder of their own; CI runs it too. Full
# stacks (slow unwinding) so that the suppressions in Tests/lsan.supp match by function.
test-asan: deps
	$(SWIFT) build --build-tests --sanitize=address --build-path .build-asan
	ASAN_OPTIONS=fast_unwind_on_malloc=0:detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/lsan.supp:print_suppressions=0 \
		$(SWIFT) test --sanitize=address --build-path .build-asan --skip-build --filter 'GitTests|PressKitTests'

# The code's form, as .swift-format sets it (swift-format ships with the toolchain); CI runs lint.
# It also refuses the standard library's Mutex, whose waits ThreadSanitizer cannot see (Locked.swift).
lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift
	@! grep -rnE '\bMutex *[<(]' Sources Tests --include='*.swift' \
		|| { echo "lint: use Locked (Sources/Git/Locked.swift), not Mutex"; exit 1; }

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

bench: release
	bash Benchmarks/run.sh

clean:
	rm -rf .build .build-tsan .build-asan
