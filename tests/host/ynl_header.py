#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tests/host/ynl_header.py SPEC HEADER YNLDIR

Does the YNL spec describe the family of the uapi header?  Loads SPEC
with the kernel's own YNL library (YNLDIR/lib, no schema: tests/host/ynl.sh
validates separately), renders every C name the spec stands for (the
names ynl-gen-c would give: name-prefix + entry, upper case, '-' to '_')
with its value, and compares them with the enums and defines of HEADER.
Every enum of the header must be in the spec with the same entries and
values, and the other way round; UNSPEC (0), __X_MAX, X_MAX and the
X_COUNT sentinels of the header are not entries.  Prints one line per
difference and exits 1 if there is any.
"""
import re
import sys


def c_upper(name):
    return name.upper().replace('-', '_')


def header_enums(text):
    """{enum name: {entry: value}} and {define: value} of a C header."""
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    enums = {}
    for m in re.finditer(r'enum\s+(\w+)\s*\{(.*?)\}', text, flags=re.S):
        vals, val = {}, -1
        for item in m.group(2).split(','):
            item = item.strip()
            if not item:
                continue
            name, _, expr = item.partition('=')
            name, expr = name.strip(), expr.strip()
            if expr:
                expr = re.sub(r'\b[A-Z_][A-Z0-9_]*\b',
                              lambda w: str(vals[w.group(0)]), expr)
                val = eval(expr, {'__builtins__': {}})  # integers and << - only
            else:
                val += 1
            vals[name] = val
        enums[m.group(1)] = vals
    defines = {}
    for m in re.finditer(r'^#define\s+(\w+)\s+("[^"]*"|\d+)\s*$', text, flags=re.M):
        v = m.group(2)
        defines[m.group(1)] = v.strip('"') if v.startswith('"') else int(v)
    return enums, defines


def sentinel(name, value, vals):
    if name.startswith('__'):
        return True
    if name.endswith('_MAX') and vals.get('__' + name) == value + 1:
        return True
    if name.endswith('_COUNT') and value == max(vals.values()):
        return True
    return name.endswith('_UNSPEC') and value == 0


def spec_enums(fam):
    """{enum name: {C name: value}} and {define: value} the spec stands for."""
    y = fam.yaml
    fam_prefix = c_upper(y['name']) + '_'
    enums, defines = {}, {}
    for d in y.get('definitions', []):
        if d['type'] == 'const':
            defines[fam_prefix + c_upper(d['name'])] = d['value']
            continue
        const = fam.consts[d['name']]
        prefix = c_upper(d.get('name-prefix', y['name'] + '-' + d['name'] + '-'))
        flags = d['type'] == 'flags'
        enums[d['enum-name']] = {
            prefix + c_upper(e.name): e.user_value(as_flags=flags)
            for e in const.entries.values()}
    for s in y['attribute-sets']:
        if 'subset-of' in s:
            continue
        aset = fam.attr_sets[s['name']]
        prefix = c_upper(s['name-prefix'])
        enums[s['enum-name']] = {prefix + c_upper(a.name): a.value
                                 for a in aset.attrs.values()}
    ops = y['operations']
    prefix = c_upper(ops['name-prefix'])
    enums[ops['enum-name']] = {
        prefix + c_upper(op.name): op.req_value if op.req_value is not None else op.rsp_value
        for op in fam.msgs.values()}
    defines[c_upper(y['c-family-name'])] = y['name']
    defines[c_upper(y['c-version-name'])] = y.get('version', 1)
    for g in y['mcast-groups']['list']:
        defines[c_upper(g['c-define-name'])] = g['name']
    return enums, defines


def main():
    spec, header, ynldir = sys.argv[1:4]
    sys.path.insert(0, ynldir)
    from lib import SpecFamily  # the kernel's tools/net/ynl/lib

    fam = SpecFamily(spec, '')
    want_enums, want_defs = spec_enums(fam)
    with open(header) as f:
        have_enums, have_defs = header_enums(f.read())
    diffs = []
    for ename in sorted(set(want_enums) | set(have_enums)):
        if ename not in have_enums:
            diffs.append(f'enum {ename}: in the spec, not in the header')
            continue
        if ename not in want_enums:
            diffs.append(f'enum {ename}: in the header, not in the spec')
            continue
        have = {n: v for n, v in have_enums[ename].items()
                if not sentinel(n, v, have_enums[ename])}
        want = want_enums[ename]
        for n in sorted(set(have) | set(want)):
            if have.get(n) != want.get(n):
                diffs.append(f'enum {ename}: {n} is {have.get(n)} in the header, '
                             f'{want.get(n)} in the spec')
    for d, v in sorted(want_defs.items()):
        if have_defs.get(d) != v:
            diffs.append(f'#define {d}: {have_defs.get(d)!r} in the header, {v!r} in the spec')
    for line in diffs:
        print(line)
    n = sum(len(v) for v in want_enums.values())
    print(f'{len(want_enums)} enums, {n} entries, {len(want_defs)} defines compared; '
          f'{len(diffs)} differences')
    sys.exit(1 if diffs else 0)


if __name__ == '__main__':
    main()
