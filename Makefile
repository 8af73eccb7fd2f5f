# SPDX-License-Identifier: GPL-2.0
# nsbox - top-level Makefile.
#
#   make              build kmod/nsbox.ko (for KVER/KDIR) and tools/nsbox
#   make demo         boot the lab VM, load the module, show what it reports
#   make check        all tests: host, VM on 5.10, 6.1, 6.12 and 7.x, W=1, sparse, checkpatch
#   make kernels      the kernel of each line (5.10 and 7.x in build roots)
#   make check-debug  the VM tests on a KASAN/lockdep/kmemleak/UBSAN kernel
#   make vm           interactive shell in the lab VM (KVER= picks the kernel)
#   make W=1          module build with extra compiler warnings
#
# KVER=  kernel release to build for (default: the running kernel if its
#        headers are installed, else the newest Debian headers installed)
# KDIR=  kbuild tree, if not the one that belongs to KVER
#
# Missing packages are installed by scripts/deps.sh (apt-get) on first use.

TOP := $(CURDIR)
LIB := . $(TOP)/scripts/lib.sh; TOP=$(TOP)
KVER ?= $(shell bash -c '$(LIB); default_kver')
KDIR ?= $(shell bash -c '$(LIB); kdir_for $(KVER)')

all: module tool

# Check (quickly) that every package is there; install what is missing.
deps:
	@$(TOP)/scripts/deps.sh --check >/dev/null 2>&1 || $(TOP)/scripts/deps.sh

module: deps
	@test -n "$(KVER)" || { echo "make: no kernel headers found; run scripts/deps.sh" >&2; exit 2; }
	$(TOP)/scripts/configure-kmod.sh $(KDIR) $(TOP)/kmod
	$(MAKE) -C $(KDIR) M=$(TOP) modules

tool: deps
	$(MAKE) -C tools

tests: deps tool
	$(MAKE) -C tests

vm: all tests
	scripts/vm.sh --kernel $(KVER)

demo: all tests
	scripts/vm.sh --kernel $(KVER) --run scripts/demo.sh

# The newest Debian kernel of each supported line (5.10, 6.1, 6.12, 7.x),
# headers and image; 5.10 and 7.x in build roots of their own suites.
# The roots are made side by side (mostly downloads and dpkg).
kernels: deps
	@pids=; for l in $$(bash -c '$(LIB); kernel_lines'); do \
		$(TOP)/scripts/buildroot.sh $$l --check >/dev/null && continue; \
		$(TOP)/scripts/buildroot.sh $$l >/dev/null & pids="$$pids $$!"; \
	done; for p in $$pids; do wait $$p || exit 1; done

check: deps kernels
	scripts/check.sh

# The same VM suite on a KASAN/lockdep/kmemleak/UBSAN kernel built from
# Debian's linux-source (the first run builds it: ~20 minutes).
check-debug: deps
	scripts/check-debug.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null
	$(MAKE) -C tools clean
	rm -rf build

.PHONY: all deps kernels module tool tests vm demo check check-debug clean
