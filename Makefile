# Thin wrapper: `make run` and `make test` each install the Debian packages, build and run.
DEBS = build-essential cmake pkg-config libgsl-dev libsqlite3-dev libyaml-dev libcairo2-dev \
       libpng-dev libjansson-dev sqlite3
# `make fuzz` also needs clang and its runtime (libFuzzer and the sanitizer runtimes are in
# libclang-rt-14-dev, only recommended by clang, so apt-get --no-install-recommends skips it)
FUZZ_DEBS = clang libclang-rt-14-dev
JOBS ?= 2
FUZZ_SECONDS ?= 60
PLATFORM ?= perlmutter.yaml
PREFIX ?= /usr/local

.PHONY: deps fuzz-deps build build-debug run test bench install fuzz clean

deps:
	@if ! dpkg -s $(DEBS) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" -ne 0 ]; then echo "make deps: run as root, or install: $(DEBS)" >&2; exit 1; fi; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEBS); \
	fi

fuzz-deps: deps
	@if ! dpkg -s $(FUZZ_DEBS) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" -ne 0 ]; then echo "make fuzz: run as root, or install: $(FUZZ_DEBS)" >&2; exit 1; fi; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(FUZZ_DEBS); \
	fi

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build -j$(JOBS)

build-debug: deps
	cmake -S . -B build-debug -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build build-debug -j$(JOBS)

run: build
	./build/y1est --platform $(PLATFORM) --out out

# ctest shows a skipped test's output only in its log: print the reasons after the summary.
test: build-debug
	@rc=0; ctest --test-dir build-debug --output-on-failure -j$(JOBS) || rc=$$?; \
	  grep -h '^  skipped: ' build-debug/Testing/Temporary/LastTest.log 2>/dev/null | sort -u; \
	  exit $$rc

# the binary, data, man page and bash completion under $(PREFIX) (see README, "Installing")
install: build
	cmake --install build --prefix $(PREFIX)

# every file reader under libFuzzer for FUZZ_SECONDS each (fuzz/README.md)
fuzz: fuzz-deps
	cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DY1_FUZZ=ON >/dev/null
	cmake --build build-fuzz -j$(JOBS) --target fuzz_all
	./fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

bench: build
	./bench/run.sh build

clean:
	rm -rf build build-debug build-fuzz out
