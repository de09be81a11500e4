#!/usr/bin/python
# ISC License (see the hostgen repository)
"""hostgen.openbsd.site: the host side. The action plugin of the same name does the work on
the controller and calls this module twice: `step: read` (the live files and the state), then
`step: apply` (stage, validate, write); see module_utils/hostgen_host.py."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: site
short_description: Configure an OpenBSD web and mail host from a hostgen site or fleet file
description:
  - Validates and renders O(site) with hostgen B(on the controller) (hostgen must be
    importable by the Python that runs Ansible), compares the result with the host's live
    files under O(root), and writes the files that differ with C(hostgen apply)'s guarantees
    (staged set validated first, atomic replace keeping mode and owner, backups, one apply at
    a time, a file edited by hand on the host refused unless O(force)).
  - The host needs Python only. On OpenBSD the staged C(httpd.conf) is checked with
    C(httpd -n -f) and the staged C(mail/smtpd.conf) with C(smtpd -n -f) before anything is
    written.
  - Check mode writes nothing and reports C(changed) as an apply would. Diff mode returns the
    unified difference of each file. Key files are never read, so their content never appears
    in diffs or results.
  - >-
    An invalid site fails the task with every problem at its file and position
    (C(common/tls.yaml:4:7: error: ... (via hosts/web.yaml))).
version_added: 0.1.0
author: hostgen contributors
options:
  site:
    description: The site file of this host on the controller, relative to the playbook (a
      host file of a fleet folder, which may include shared files).
    type: path
    required: true
  root:
    description: The live folder on the host the outputs go to (absolute).
    type: str
    default: /etc
  force:
    description: Overwrite files changed on the host since the last apply.
    type: bool
    default: false
  keep:
    description: Backups kept per file.
    type: int
    default: 5
  state:
    description: hostgen's record of what it last wrote, on the host (default
      C(ROOT/../var/db/hostgen/state.json), the one C(hostgen apply) uses).
    type: str
  templates:
    description: A folder of your own jinja templates on the controller (as
      C(hostgen render --templates)).
    type: path
  validate_httpd:
    description: Command checking the staged httpd.conf on the host (C({}) is the file, else
      it is appended). Default on OpenBSD C(httpd -n -f).
    type: str
  validate_smtpd:
    description: Command checking the staged smtpd.conf on the host. Default on OpenBSD
      C(smtpd -n -f).
    type: str
notes:
  - Supports check mode and diff mode.
  - The fleet's own checks (a name served by two hosts, ...) need every host at once; run
    C(hostgen check hosts/) in CI or with the C(hostgen-check) pre-commit hook.
"""

EXAMPLES = r"""
- name: configure the host from the fleet repository
  hostgen.openbsd.site:
    site: hosts/{{ inventory_hostname }}.yaml   # on the controller
    root: /etc
  register: hostgen
  notify: reload changed services

# handlers:
- name: reload changed services
  ansible.builtin.command: rcctl {{ item.action }} {{ item.name }}
  loop: "{{ hostgen.services }}"
"""

RETURN = r"""
changed:
  description: Whether a file was (or in check mode would be) written.
  type: bool
  returned: always
files:
  description: The live files written (in check mode, that would be written).
  type: list
  elements: str
  returned: always
  sample: [/etc/httpd.conf, /etc/httpd.tls]
services:
  description: The services whose files changed and what they need.
  type: list
  elements: dict
  returned: always
  sample: [{name: httpd, action: reload, command: rcctl reload httpd}]
backups:
  description: Where the previous version of each written file was saved.
  type: dict
  returned: when files were written
problems:
  description: The positioned problems of an invalid site, one per line.
  type: list
  elements: str
  returned: failure on an invalid site
diff:
  description: Per changed file, before and after (diff mode).
  type: list
  elements: dict
  returned: diff mode
"""

from ansible.module_utils.basic import AnsibleModule  # noqa: E402

from ansible_collections.hostgen.openbsd.plugins.module_utils.hostgen_host import (  # noqa: E402
    HostError,
    apply,
    read,
)


def main():
    module = AnsibleModule(
        argument_spec={
            "step": {"type": "str", "required": True, "choices": ["read", "apply"]},
            "root": {"type": "str", "required": True},
            "state": {"type": "str", "required": True},
            "names": {"type": "list", "elements": "str", "default": []},
            "staged": {"type": "dict", "default": {}},
            "write": {"type": "list", "elements": "str", "default": []},
            "expected": {"type": "dict", "default": {}},
            "accept_before": {"type": "dict", "default": {}},
            "accept_after": {"type": "dict", "default": {}},
            "keep": {"type": "int", "default": 5},
            "validate_httpd": {"type": "str"},
            "validate_smtpd": {"type": "str"},
        },
        supports_check_mode=True,
    )
    params = module.params
    try:
        if params["step"] == "read":
            module.exit_json(changed=False, **read(params["root"], params["names"],
                                                   params["state"]))
        done = apply(params, module.check_mode)
    except HostError as exc:
        module.fail_json(msg=str(exc))
    except OSError as exc:
        module.fail_json(msg="{}: {}".format(exc.filename or "hostgen", exc.strerror or exc))
    module.exit_json(changed=bool(done["written"]), **done)


if __name__ == "__main__":
    main()
