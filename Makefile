# SPDX-License-Identifier: GPL-2.0
# nsbox - top-level Makefile.
#
#   make              build kmod/nsbox.ko (for KVER/KDIR) and tools/nsbox
#   make demo         boot the lab VM, load the module, show what it reports
#   make tests        the test programs (host unit tests, the VM's)
#   make check        all tests: host, VM on 5.10, 6.1, 6.12 and 7.x, W=1, sparse, checkpatch
#   make kernels      the kernel of each line (5.10 and 7.x in build roots)
#   make check-debug  the VM tests on a KASAN/lockdep/kmemleak/UBSAN kernel
#   make vm           interactive shell in the lab VM (KVER= picks the kernel)
#   make lab [NAME]   the labs (docs/labs/), or boot the lab VM and run one
#   make W=1          module build with extra compiler warnings
#   make install      the tool, man pages and completion under PREFIX, and
#                     nsbox.ko for KVER under /lib/modules/KVER/updates/
#                     (depmod: modprobe nsbox works); AUTOLOAD=1 also
#                     writes /etc/modules-load.d/nsbox.conf
#   make uninstall    removes all of that (and a DKMS install)
#   make install-dkms the module's sources in /usr/src/nsbox-VERSION and
#                     dkms add/build/install for every kernel with headers
#   make deb          nsbox_VERSION_amd64.deb and nsbox-dkms_VERSION_all.deb
#                     in build/deb/ (debhelper, dh-dkms), checked by lintian
#
# KVER=  kernel release to build for (default: the running kernel if its
#        headers are installed, else the newest Debian headers installed)
# KDIR=  kbuild tree, if not the one that belongs to KVER
#
# DESTDIR=, PREFIX= (default /usr/local) for make install, as usual.
#
# Missing packages are installed by scripts/deps.sh (apt-get) on first use,
# each target asking for the tier it needs: make and demo the default one
# (build, the lab VM on 6.12, the demo's and the labs' tools); vm, lab and
# tests --labs (and linux-source-6.12, python3-yaml: the YNL CLI, the
# kselftest harness); check, check-debug, kernels and deb --check
# (everything: the other kernels, lintian, prometheus, ...).

TOP := $(CURDIR)
LIB := . $(TOP)/scripts/lib.sh; TOP=$(TOP)
KVER ?= $(shell bash -c '$(LIB); default_kver')
KDIR ?= $(shell bash -c '$(LIB); kdir_for $(KVER)')
# a kernel of another Debian suite (5.10, 7.x) lives in a build root and is
# built there, by its suite's compiler (scripts/build-kmod.sh)
KROOT := $(shell bash -c '$(LIB); kernel_root $(KVER)')

all: module tool

# The tool's and the tests' makes run one job per CPU, unless make was
# given -j itself (then they share its jobs).
SUBJ = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(shell nproc))

# Check (quickly: dpkg-query, no apt) that the tier's packages are there;
# install what is missing.
deps:
	@$(TOP)/scripts/deps.sh --missing >/dev/null || $(TOP)/scripts/deps.sh
deps-labs:
	@$(TOP)/scripts/deps.sh --missing --labs >/dev/null || $(TOP)/scripts/deps.sh --labs
deps-check:
	@$(TOP)/scripts/deps.sh --missing --check >/dev/null || $(TOP)/scripts/deps.sh --check

module: deps
	@test -n "$(KVER)" || { echo "make: no kernel headers found; run scripts/deps.sh" >&2; exit 2; }
ifneq ($(KROOT),)
	$(TOP)/scripts/build-kmod.sh $(KVER)
else
	$(TOP)/scripts/configure-kmod.sh $(KDIR) $(TOP)/kmod
	$(MAKE) -C $(KDIR) M=$(TOP) modules
endif

tool: deps
	$(MAKE) $(SUBJ) -C tools

tests: deps-labs tool
	$(MAKE) $(SUBJ) -C tests

# The labs' scripts, and the test helpers they run (box_helper, ...), into
# build/tests/, where vm.sh takes them from (no kselftest harness needed);
# the YNL CLI (the ynl lab) from linux-source into build/linux-source/.
lab-files: deps-labs
	@$(MAKE) -s $(SUBJ) -C tests labs
	@$(TOP)/scripts/linux-source.sh

# The lab VM: the tool, and nsbox.ko built for KVER by scripts/vm.sh
# (build-kmod.sh, in build/KVER/).  The test programs and test modules
# come along only once they are built: `make tests vm`.
vm: deps-labs tool lab-files
	scripts/vm.sh --kernel $(KVER)

demo: deps tool
	scripts/vm.sh --kernel $(KVER) --run scripts/demo.sh

# make lab: the labs (docs/labs/); make lab NAME: boot the lab VM and run
# that lab's steps, as a student would type them (tests/labs/NAME.sh)
LAB_NAME := $(if $(filter lab,$(firstword $(MAKECMDGOALS))),$(word 2,$(MAKECMDGOALS)))
lab: $(if $(LAB_NAME),deps-labs tool lab-files)
	@KVER=$(KVER) scripts/lab.sh $(LAB_NAME)
ifneq ($(LAB_NAME),)
$(LAB_NAME):
	@:
endif

# The newest Debian kernel of each supported line (5.10, 6.1, 6.12, 7.x),
# headers and image; 5.10 and 7.x in build roots of their own suites.
# The roots are made side by side (mostly downloads and dpkg).
kernels: deps-check
	@pids=; for l in $$(bash -c '$(LIB); kernel_lines'); do \
		$(TOP)/scripts/buildroot.sh $$l --check >/dev/null && continue; \
		$(TOP)/scripts/buildroot.sh $$l >/dev/null & pids="$$pids $$!"; \
	done; for p in $$pids; do wait $$p || exit 1; done

check: deps-check kernels
	scripts/check.sh

# The same VM suite on a KASAN/lockdep/kmemleak/UBSAN kernel built from
# Debian's linux-source (the first run builds it: ~20 minutes).
check-debug: deps-check
	scripts/check-debug.sh

# ---- installing ----------------------------------------------------------
VERSION := $(shell cat $(TOP)/VERSION)
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
MODDIR = /lib/modules/$(KVER)/updates
DKMS_SRC = /usr/src/nsbox-$(VERSION)
# what DKMS needs to build the module: nothing of the tool
DKMS_FILES = Kbuild VERSION dkms.conf kmod uapi scripts/configure-kmod.sh
MAN_PAGES = $(patsubst docs/man/%.scd,%,$(wildcard docs/man/*.8.scd))

man:
	$(MAKE) -C docs/man OUT=$(TOP)/build/man

install: install-tool install-module

# The tool and what goes with it; the Debian package nsbox is exactly this.
install-tool: tool man
	install -D -m 0755 tools/nsbox $(DESTDIR)$(SBINDIR)/nsbox
	install -d $(DESTDIR)$(MANDIR)/man8
	install -m 0644 $(addprefix build/man/,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man8/
	install -D -m 0644 tools/completion/nsbox.bash $(DESTDIR)$(BASHCOMPDIR)/nsbox
	install -D -m 0644 tools/completion/_nsbox $(DESTDIR)$(ZSHCOMPDIR)/_nsbox
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|' tools/systemd/nsbox-exporter.service.in \
		> $(DESTDIR)$(SYSTEMDUNITDIR)/nsbox-exporter.service

# nsbox.ko for KVER where modprobe looks first (updates/ wins over the
# kernel's own tree); depmod unless staged into DESTDIR.
install-module: module
	install -D -m 0644 kmod/nsbox.ko $(DESTDIR)$(MODDIR)/nsbox.ko
	$(if $(DESTDIR),,depmod -a $(KVER))
	$(if $(filter 1,$(AUTOLOAD)),install -D -m 0644 /dev/null $(DESTDIR)/etc/modules-load.d/nsbox.conf && \
		echo "# nsbox.ko at boot (make install AUTOLOAD=1)" > $(DESTDIR)/etc/modules-load.d/nsbox.conf && \
		echo nsbox >> $(DESTDIR)/etc/modules-load.d/nsbox.conf)

# The DKMS source tree (the Debian package nsbox-dkms ships exactly this).
install-dkms-src:
	rm -rf $(DESTDIR)$(DKMS_SRC)
	install -d $(DESTDIR)$(DKMS_SRC)/scripts
	cp -R $(filter-out scripts/%,$(DKMS_FILES)) $(DESTDIR)$(DKMS_SRC)/
	cp $(filter scripts/%,$(DKMS_FILES)) $(DESTDIR)$(DKMS_SRC)/scripts/
	rm -f $(DESTDIR)$(DKMS_SRC)/kmod/nsbox_config.h
	find $(DESTDIR)$(DKMS_SRC) \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name '*.order' -o -name Module.symvers -o -name '.*.o' \) -delete
	sed -i 's/#MODULE_VERSION#/$(VERSION)/' $(DESTDIR)$(DKMS_SRC)/dkms.conf

# ... and DKMS told about it: built now for every kernel with headers, and
# again by DKMS's kernel hook for each kernel installed later.
install-dkms: install-dkms-src
	dkms add nsbox/$(VERSION)
	for k in $$(ls /lib/modules); do [ -e /lib/modules/$$k/build ] || continue; \
		dkms install nsbox/$(VERSION) -k $$k || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/nsbox $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(MAN_PAGES))
	rm -f $(DESTDIR)$(BASHCOMPDIR)/nsbox $(DESTDIR)$(ZSHCOMPDIR)/_nsbox
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/nsbox-exporter.service
	rm -f $(DESTDIR)/etc/modules-load.d/nsbox.conf
	for f in $(DESTDIR)/lib/modules/*/updates/nsbox.ko; do [ -e "$$f" ] || continue; \
		rm -f "$$f"; k=$${f#$(DESTDIR)/lib/modules/}; k=$${k%%/*}; \
		$(if $(DESTDIR),:,depmod -a $$k); done
	if [ -z "$(DESTDIR)" ] && command -v dkms >/dev/null && dkms status nsbox/$(VERSION) | grep -q .; then \
		dkms remove nsbox/$(VERSION) --all; fi
	rm -rf $(DESTDIR)$(DKMS_SRC)

# Debian packages, built from a copy of the tree in build/deb/ (so the
# tree stays as it is), then checked by lintian.
deb: deps-check
	scripts/deb.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null
	$(MAKE) -C tools clean
	rm -rf build

.PHONY: all deps deps-labs deps-check kernels module tool tests lab-files vm demo lab \
	check check-debug clean \
	man install install-tool install-module install-dkms-src install-dkms uninstall deb
