# quire: the front door. `make` installs the missing build packages (or says
# how to), builds ./quire and packages seeds/ into dist/; `make check`
# installs the missing test tools (validators, Ace) and runs every test.

VERSION  := 0.1.0
# The version the program says: `git describe` in a git checkout (v1.2.0,
# v1.2.0-3-gabcdef, or VERSION-gHASH before the first tag), else the one
# `make dist` wrote into .version, else VERSION.
IN_GIT   := $(shell [ "$$(git -C . rev-parse --show-toplevel 2>/dev/null)" = "$(CURDIR)" ] && echo 1)
GIT_VERSION := $(if $(IN_GIT),$(or $(shell git describe --tags --dirty 2>/dev/null | sed 's/^v//'),\
	$(shell h=$$(git rev-parse --short HEAD 2>/dev/null) && echo $(VERSION)-g$$h)))
FULL_VERSION := $(or $(GIT_VERSION),$(shell cat .version 2>/dev/null),$(VERSION))
# Rewritten when the version changes, so that main.o is rebuilt.
VERSION_STAMP := $(shell v='$(FULL_VERSION)'; [ "$$(cat .version-stamp 2>/dev/null)" = "$$v" ] || \
	echo "$$v" > .version-stamp; echo .version-stamp)
PREFIX   ?= /usr/local
DESTDIR  ?=
PKGS     := libzip libxml-2.0 pangocairo pangoft2 cairo-pdf fontconfig yaml-0.1 libcmark-gfm \
	lcms2 zlib libjpeg
CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 $(WARN) $(CFLAGS) \
	-DQUIRE_VERSION='"$(FULL_VERSION)"' -DQUIRE_DATADIR='"$(PREFIX)/share/quire"' $(PKG_CFLAGS)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhyphen -lm

LIB_SRC  := $(sort $(wildcard src/base/*.c src/doc/*.c src/read/*.c src/epub/*.c \
	src/typeset/*.c src/pdf/*.c))
LIB_OBJ  := $(LIB_SRC:.c=.o)
# the command line's steps: linked into quire only
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
CLI_OBJ  := $(CLI_SRC:.c=.o)
TEST_SRC := $(sort $(wildcard tests/*.c tests/unit/*.c))
TEST_OBJ := $(TEST_SRC:.c=.o)
DEPS     := $(LIB_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(CLI_OBJ:.o=.d) src/main.d

.PHONY: all deps test-deps book check bench bench-watch bench-deps clean format lint \
	install uninstall dist version
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory quire
	@$(MAKE) --no-print-directory book

# The build packages (.ci/packages-build): installed when they can be; else
# the line to install them is printed, and the build goes on if the
# libraries are there.
deps:
	@sh .ci/deps build
	@command -v pkg-config >/dev/null || { echo "make: pkg-config is missing: install it with" \
		"the apt-get line above (Debian, Ubuntu)"; exit 1; } >&2
	@pkg-config --exists $(PKGS) || { \
		echo "make: the build libraries are missing:"; pkg-config --print-errors $(PKGS) 2>&1 | \
		sed -n 's/^No package .\([^ ]*\). found$$/    \1/p'; \
		echo "make: install them with the apt-get line above (Debian, Ubuntu)"; exit 1; } >&2

# The test tools (.ci/packages-test, Ace): a tool that cannot be installed
# fails its own tests, with the reason, and no other.
test-deps:
	@sh .ci/deps test

quire: src/main.o $(CLI_OBJ) $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

%.o: %.c
	$(CC) $(ALL_CFLAGS) -MMD -MP -Isrc -c -o $@ $<
src/main.o: $(VERSION_STAMP)

version:
	@echo $(FULL_VERSION)

# Installed like a tool: PREFIX (default /usr/local), DESTDIR for staging.
# quire finds its fonts and styles in ../share/quire from its own binary,
# wherever the tree is moved.
BINDIR   = $(DESTDIR)$(PREFIX)/bin
DATADIR  = $(DESTDIR)$(PREFIX)/share/quire
MAN1DIR  = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR  = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR   = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
DATA_FILES := $(wildcard fonts/*.otf fonts/*.ttf fonts/*.txt fonts/*.protrusion) $(wildcard styles/*.css)

install: quire
	install -d $(BINDIR) $(DATADIR)/fonts $(DATADIR)/styles $(MAN1DIR) $(BASHDIR) $(ZSHDIR)
	install -m 755 quire $(BINDIR)/quire
	install -m 644 $(filter fonts/%,$(DATA_FILES)) $(DATADIR)/fonts/
	install -m 644 $(filter styles/%,$(DATA_FILES)) $(DATADIR)/styles/
	install -m 644 src/man/quire.1 $(MAN1DIR)/quire.1
	install -m 644 src/completions/quire.bash $(BASHDIR)/quire
	install -m 644 src/completions/_quire $(ZSHDIR)/_quire
	@echo "make: installed $(BINDIR)/quire, $(DATADIR)/, $(MAN1DIR)/quire.1 and the completions"

uninstall:
	rm -f $(BINDIR)/quire $(MAN1DIR)/quire.1 $(BASHDIR)/quire $(ZSHDIR)/_quire
	rm -f $(addprefix $(DATADIR)/,$(DATA_FILES))
	-rmdir $(DATADIR)/fonts $(DATADIR)/styles $(DATADIR) 2>/dev/null

# A source tarball, quire-VERSION.tar.gz: the files git tracks at HEAD (or,
# outside git, the tree without build outputs), with .version; the same
# bytes for the same commit (sorted, owner 0, the commit's time, gzip -n).
DIST_NAME = quire-$(FULL_VERSION)
DIST_DIR ?= .
DIST_TMP  = $(DIST_DIR)/$(DIST_NAME)
dist:
	@mkdir -p $(DIST_DIR) && rm -rf $(DIST_TMP) && mkdir $(DIST_TMP)
	@if [ -n "$(IN_GIT)" ]; then git archive HEAD | tar -x -C $(DIST_TMP); \
	else tar -c --exclude-vcs --exclude='*.o' --exclude='*.d' --exclude=./quire \
		--exclude=./tests/runner --exclude=./tests/out --exclude='./dist/*' \
		--exclude=node_modules --exclude='./quire-*' --exclude=./.version-stamp . | \
		tar -x -C $(DIST_TMP); fi
	@echo $(FULL_VERSION) > $(DIST_TMP)/.version
	@t=$$(git log -1 --format=%ct 2>/dev/null || echo $${SOURCE_DATE_EPOCH:-0}); \
	tar -c -C $(DIST_DIR) --sort=name --owner=0 --group=0 --numeric-owner --mtime=@$$t \
		$(DIST_NAME) | gzip -n -9 > $(DIST_TMP).tar.gz
	@rm -rf $(DIST_TMP)
	@echo "make: wrote $(DIST_TMP).tar.gz"

# Package the project's own manuscript, and name what was written.
book: quire
	@echo "make: wrote ./quire"
	@out=$$(./quire build -v . 2>&1); rc=$$?; printf '%s\n' "$$out" | \
		sed -e 's/^quire: wrote /make: wrote /' -e '/^quire: \(reading\|writing\|typesetting\)/d'; \
		exit $$rc

tests/runner: $(TEST_OBJ) $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The suites run two at a time (CHECK_JOBS, the machines' cores); CHECK_JOBS=1
# runs them one after another, in their order.
CHECK_JOBS ?= 2
check: test-deps quire tests/runner
	tests/runner -j $(CHECK_JOBS)

# Speed, memory and typesetting quality, with peers side by side where
# installed (CORPUS=DIR, RUNS=N, PEERS=LIST, PEER_TIMEOUT=S); `make bench-deps`
# installs the peers: pandoc, xelatex, WeasyPrint (Debian), Typst (npm).
bench: quire tests/bench/pdfquality
	tests/bench/bench.sh

# The watch table alone: a full build against a one-word rebuild (BOOK=FILE,
# default War and Peace from CORPUS; RUNS=N).
bench-watch: quire
	tests/bench/watch.sh ./quire $(or $(BOOK),$(or $(CORPUS),../shared/corpus)/war-and-peace.txt) $(or $(RUNS),5)

tests/bench/pdfquality: tests/bench/pdfquality.c
	$(CC) -std=c11 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 $(WARN) -O2 -o $@ $< \
		$$(pkg-config --cflags --libs libxml-2.0) -lm

bench-deps:
	@sh tests/bench/deps

format:
	clang-format -i $$(find src tests -name '*.[ch]')

lint:
	cppcheck --quiet --enable=warning,portability --error-exitcode=1 -Isrc src

# Reliability: sanitizers, valgrind, fuzzing. ------------------------------
# `make asan` / `make ubsan` build ./quire-asan and tests/runner-asan (or
# -ubsan) from objects of their own (*.asan.o, *.ubsan.o) and run the whole
# suite on them: the end-to-end tests run the program named by $$QUIRE.
.PHONY: asan ubsan valgrind fuzz clean-reliability
SAN_asan  := -fsanitize=address -fno-omit-frame-pointer
SAN_ubsan := -fsanitize=undefined -fno-sanitize-recover=undefined
SAN_DEPS  := $(foreach s,asan ubsan,$(patsubst %.c,%.$(s).d,src/main.c $(CLI_SRC) $(LIB_SRC) $(TEST_SRC)))

.PRECIOUS: %.asan.o %.ubsan.o
%.asan.o: %.c
	$(CC) $(ALL_CFLAGS) $(SAN_asan) -MMD -MP -Isrc -c -o $@ $<
%.ubsan.o: %.c
	$(CC) $(ALL_CFLAGS) $(SAN_ubsan) -MMD -MP -Isrc -c -o $@ $<
quire-%: src/main.%.o $(CLI_SRC:.c=.%.o) $(LIB_SRC:.c=.%.o)
	$(CC) $(LDFLAGS) $(SAN_$*) -o $@ $^ $(PKG_LIBS)
tests/runner-%: $(TEST_SRC:.c=.%.o) $(LIB_SRC:.c=.%.o)
	$(CC) $(LDFLAGS) $(SAN_$*) -o $@ $^ $(PKG_LIBS)
# LeakSanitizer: tests/lsan.supp (fontconfig patterns it cannot see).
SAN_ENV_asan  := LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
asan ubsan: %: quire-% tests/runner-%
	$(SAN_ENV_$*) QUIRE=./quire-$* tests/runner-$* -j $(CHECK_JOBS)

# Memcheck of a whole build of the seed book: no error, no leak
# (VALGRIND_BUILD_ARGS="-f epub": one format only). tests/valgrind.supp names
# the library memory that is not a leak; 40 frames reach its patterns.
valgrind: quire
	valgrind --leak-check=full --num-callers=40 --suppressions=tests/valgrind.supp \
		--error-exitcode=1 ./quire build $(VALGRIND_BUILD_ARGS) -o tests/out/valgrind .

# libFuzzer (clang): tests/fuzz/fuzz_text (the reader), fuzz_epub (reader
# and EPUB writer), fuzz_manifest (book.yaml), fuzz_markdown, and fuzz_book
# (the whole pipeline: reader, typesetter, trace, EPUB with page-list, PDF),
# each run for FUZZ_SECONDS on its seed corpus and regression inputs (read
# only) and a scratch corpus in tests/out/fuzz/; crashes are saved there
# too. `make fuzz-NAME` runs one. Inputs are at most 64 KB, or
# FUZZ_MAXLEN_NAME bytes; leaks are checked with tests/lsan.supp.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_TARGETS := tests/fuzz/fuzz_text tests/fuzz/fuzz_epub tests/fuzz/fuzz_manifest \
                tests/fuzz/fuzz_markdown tests/fuzz/fuzz_book tests/fuzz/fuzz_pdf
# per target: dictionary, then seed folders
FUZZ_IN_text     := text.dict corpus_text regress
FUZZ_IN_epub     := text.dict corpus_text regress
FUZZ_IN_manifest := manifest.dict corpus_manifest regress_manifest
FUZZ_IN_markdown := markdown.dict corpus_markdown
FUZZ_IN_book     := markdown.dict corpus_markdown corpus_text regress_book
FUZZ_MAXLEN_book := 8192
FUZZ_IN_pdf      := pdf.dict corpus_pdf
FUZZ_LIB_SRC := $(sort $(wildcard src/base/*.c src/doc/*.c src/read/*.c src/epub/*.c)) \
		src/pdf/pdfobj.c src/pdf/pdfx.c src/pdf/pdfcheck.c
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

FUZZ_LINK     = $(FUZZ_CC) -std=c11 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 $(WARN) $(FUZZ_FLAGS) \
		-Isrc $(PKG_CFLAGS) -o $@ $(filter %.c,$^) $(PKG_LIBS)
$(filter-out tests/fuzz/fuzz_book,$(FUZZ_TARGETS)): tests/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRC) \
		$(wildcard src/*/*.h tests/fuzz/*.h)
	$(FUZZ_LINK)
# the typesetter and the PDF outputter too
tests/fuzz/fuzz_book: tests/fuzz/fuzz_book.c $(LIB_SRC) $(wildcard src/*/*.h tests/fuzz/*.h)
	$(FUZZ_LINK)

FUZZ_RUNS    := $(patsubst tests/fuzz/fuzz_%,fuzz-%,$(FUZZ_TARGETS))
.PHONY: $(FUZZ_RUNS)
fuzz: $(FUZZ_RUNS)
# Each run's log is tests/out/fuzz/NAME.log; its last line (libFuzzer's
# "Done N runs in S second(s)") is printed, and the whole log on a finding,
# which fails the run (libFuzzer's exit status).
$(FUZZ_RUNS): fuzz-%: tests/fuzz/fuzz_%
	@mkdir -p tests/out/fuzz/$*
	@echo "fuzz_$*: $(FUZZ_SECONDS) s"
	@$(SAN_ENV_asan) tests/fuzz/fuzz_$* -max_total_time=$(FUZZ_SECONDS) \
		-max_len=$(or $(FUZZ_MAXLEN_$*),65536) \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-dict=tests/fuzz/$(word 1,$(FUZZ_IN_$*)) -artifact_prefix=tests/out/fuzz/$*- \
		tests/out/fuzz/$* $(addprefix tests/fuzz/,$(wordlist 2,9,$(FUZZ_IN_$*))) \
		>tests/out/fuzz/$*.log 2>&1; \
	status=$$?; \
	if [ $$status -ne 0 ]; then cat tests/out/fuzz/$*.log; \
		echo "fuzz_$*: FINDING (exit $$status), inputs in tests/out/fuzz/$*-*"; exit $$status; fi; \
	echo "fuzz_$*: $$(grep -E '^Done [0-9]+ runs' tests/out/fuzz/$*.log), no finding"

# `make fuzz-merge` minimises the seed corpora in place (libFuzzer's
# -merge=1: the smallest set of inputs with the same coverage), each with
# the target that reads its inputs as they are meant (the inputs kept keep
# their names): corpus_text with
# fuzz_epub (the plain-text reader and the EPUB writer), corpus_manifest
# with fuzz_manifest, corpus_markdown with fuzz_markdown (fuzz_book picks
# its reader by the first byte, so it would judge half of each corpus by
# the wrong one). Run it after adding seeds, so that the corpora grow only
# by inputs that reach new code.
FUZZ_MERGE := text:epub manifest:manifest markdown:markdown
.PHONY: fuzz-merge
fuzz-merge: $(FUZZ_TARGETS)
	@for m in $(FUZZ_MERGE); do c=$${m%%:*}; t=$${m##*:}; \
		rm -rf tests/out/fuzz/merge-$$c; mkdir -p tests/out/fuzz/merge-$$c; \
		$(SAN_ENV_asan) tests/fuzz/fuzz_$$t -merge=1 -max_len=65536 \
			tests/out/fuzz/merge-$$c tests/fuzz/corpus_$$c >tests/out/fuzz/merge-$$c.log 2>&1 \
			|| { cat tests/out/fuzz/merge-$$c.log; exit 1; }; \
		before=$$(ls tests/fuzz/corpus_$$c | wc -l); \
		for f in tests/fuzz/corpus_$$c/*; do \
			[ -e tests/out/fuzz/merge-$$c/$$(sha1sum <"$$f" | cut -c1-40) ] || rm "$$f"; \
		done; \
		echo "corpus_$$c: $$before inputs -> $$(ls tests/fuzz/corpus_$$c | wc -l) (fuzz_$$t)"; \
	done

clean: clean-reliability
clean-reliability:
	rm -f quire-asan quire-ubsan tests/runner-asan tests/runner-ubsan $(FUZZ_TARGETS)
	rm -f $(SAN_DEPS) $(SAN_DEPS:.d=.o)

clean:
	rm -f quire tests/runner src/main.o $(CLI_OBJ) $(LIB_OBJ) $(TEST_OBJ) $(DEPS)
	rm -rf tests/out

-include $(DEPS)
-include $(SAN_DEPS)
