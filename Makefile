# quire: the front door. `make` installs missing packages, builds ./quire and
# packages seeds/ into dist/; `make check` runs every test.

VERSION  := 0.1.0
PKGS     := libzip libxml-2.0
CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 $(WARN) $(CFLAGS) \
	-DQUIRE_VERSION='"$(VERSION)"' $(PKG_CFLAGS)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

LIB_SRC  := $(sort $(wildcard src/base/*.c src/doc/*.c src/read/*.c src/epub/*.c))
LIB_OBJ  := $(LIB_SRC:.c=.o)
TEST_SRC := $(sort $(wildcard tests/*.c tests/unit/*.c))
TEST_OBJ := $(TEST_SRC:.c=.o)
DEPS     := $(LIB_OBJ:.o=.d) $(TEST_OBJ:.o=.d) src/main.d

.PHONY: all deps book check clean format lint
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory quire
	@$(MAKE) --no-print-directory book

deps:
	@sh .ci/deps

quire: src/main.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

%.o: %.c
	$(CC) $(ALL_CFLAGS) -MMD -MP -Isrc -c -o $@ $<

# Package the project's own manuscript.
book: quire
	./quire build .

tests/runner: $(TEST_OBJ) $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

check: quire tests/runner
	tests/runner

format:
	clang-format -i $$(find src tests -name '*.[ch]')

lint:
	cppcheck --quiet --enable=warning,portability --error-exitcode=1 -Isrc src

clean:
	rm -f quire tests/runner src/main.o $(LIB_OBJ) $(TEST_OBJ) $(DEPS)
	rm -rf tests/out

-include $(DEPS)
