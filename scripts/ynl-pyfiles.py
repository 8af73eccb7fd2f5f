#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/ynl-pyfiles.py YNLDIR NLCTRL_SPEC

The files of this machine's Python that the kernel's YNL CLI
(YNLDIR/cli.py) loads, one path a line: the interpreter's landmarks
(os.py, lib-dynload), every module it imports (source, the cached .pyc
beside it, extension .so) and nothing else; YNLDIR's own files are not
listed.  scripts/vm.sh copies them into the lab VM, which then runs the
CLI with a few megabytes of Python instead of the whole standard library.

Found by running the CLI the way the VM runs it, each time in a fresh
interpreter that imports nothing else: list the ops, a do and a dump
(against the genl controller, which every kernel has, with NLCTRL_SPEC),
JSON and pretty-printed output.  If this machine has no netlink the
requests fail after the imports, which is what counts.
"""
import importlib.util
import os
import subprocess
import sys
import tempfile

ynl = os.path.abspath(sys.argv[1])
nlctrl = os.path.abspath(sys.argv[2])
runs = [
    ['--list-ops'],
    ['--do', 'getfamily', '--json', '{"family-name": "nlctrl"}', '--output-json'],
    ['--dump', 'getfamily'],
]
# only builtin modules (sys, atexit) besides what the CLI imports
TRACE = '''
import atexit, sys
out, cli = sys.argv[1], sys.argv[2]
def report():
    with open(out, "a") as f:
        for m in list(sys.modules.values()):
            p = getattr(m, "__file__", None)
            if p:
                f.write(p + "\\n")
atexit.register(report)
sys.argv = sys.argv[2:]
sys.path.insert(0, cli.rsplit("/", 1)[0])
exec(compile(open(cli).read(), cli, "exec"), {"__name__": "__main__"})
'''

files = {os.path.join(sys.base_prefix, 'lib', f'python{sys.version_info[0]}.{sys.version_info[1]}', p)
         for p in ('os.py', 'lib-dynload')}
with tempfile.NamedTemporaryFile('r') as log:
    for args in runs:
        subprocess.run([sys.executable, '-c', TRACE, log.name, os.path.join(ynl, 'cli.py'),
                        '--spec', nlctrl, '--no-schema'] + args,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    for f in log.read().split('\n'):
        if not f or not os.path.exists(f) or f.startswith(ynl + '/'):
            continue
        files.add(f)
        if f.endswith('.py'):
            c = importlib.util.cache_from_source(f)
            if os.path.exists(c):
                files.add(c)
for f in sorted(files):
    print(f)
