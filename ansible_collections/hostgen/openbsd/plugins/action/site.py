# ISC License (see the hostgen repository)
"""hostgen.openbsd.site on the controller: validate and render with hostgen, read the host's
live files through the module, decide what apply would write (hostgen.host.remote), then let
the module stage, validate and write it on the host.

The host needs Python only; hostgen must be importable by the Python running Ansible."""

from __future__ import annotations

import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

MODULE = "hostgen.openbsd.site"
ARGS = frozenset(("site", "root", "force", "keep", "state", "templates", "validate_httpd",
                  "validate_smtpd"))


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = ARGS
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self._task.args
        try:
            from hostgen.errors import HostgenError, InvalidSite
            from hostgen.host import remote
            from hostgen.render.outputs import render
            from hostgen.site.load import load_site
        except ImportError as exc:
            raise AnsibleActionFail(
                f"hostgen is not importable on the controller ({exc}): install it in the Python "
                "that runs Ansible, e.g. pip install hostgen") from None
        if not args.get("site"):
            raise AnsibleActionFail("site is required: the host's site file on the controller")
        root = str(args.get("root") or "/etc")
        try:
            keep = int(args.get("keep", 5))
        except (TypeError, ValueError):
            raise AnsibleActionFail("keep must be a number of backups, 1 or more") from None
        if keep < 1:
            raise AnsibleActionFail("keep must be a number of backups, 1 or more")
        force = self._bool(args.get("force", False))
        state = str(args.get("state") or remote.default_state(root))

        from pathlib import Path
        site = self._loader.path_dwim(str(args["site"]))
        shown = os.path.relpath(site, self._loader.get_basedir())
        if shown.startswith(".."):
            shown = site
        templates = args.get("templates")
        try:
            loaded = load_site(Path(site), shown=shown)
            outputs = render(loaded.site, Path(self._loader.path_dwim(templates))
                             if templates else None)
        except InvalidSite as exc:
            lines = [*exc.lines, str(exc)]
            result.update(failed=True, changed=False, problems=exc.lines, msg="\n".join(lines))
            return result
        except HostgenError as exc:
            result.update(failed=True, changed=False, msg=str(exc))
            return result

        seen = self._module(task_vars, step="read", root=root, state=state, names=list(outputs))
        if seen.get("failed"):
            return self._failed(result, seen)
        try:
            planned = remote.plan(outputs, root, seen["files"], state, seen.get("state"))
        except HostgenError as exc:
            result.update(failed=True, changed=False, msg=str(exc))
            return result

        warnings = result.setdefault("warnings", [])
        warnings += [line for line in loaded.format(loaded.warnings)]
        drifted = planned.drifted
        if drifted and not force:
            result.update(failed=True, changed=False,
                          drifted=[str(f.path) for f in drifted],
                          msg="; ".join(planned.drift_message(f) for f in drifted)
                          + "; nothing written")
            return result
        warnings += [f"overwriting {f.path}, changed on the host since the last apply (force)"
                     for f in drifted]

        changed = planned.changed
        result.update(changed=bool(changed), files=[str(f.path) for f in changed],
                      services=planned.services(), backups={})
        if self._play_context.diff:
            result["diff"] = planned.diffs()
        if planned.needs_host():
            done = self._module(task_vars, step="apply", root=root, state=state, keep=keep,
                                validate_httpd=args.get("validate_httpd"),
                                validate_smtpd=args.get("validate_smtpd"),
                                **planned.apply_arguments())
            if done.get("failed"):
                return self._failed(result, done)
            result["backups"] = {w["path"]: w["backup"] for w in done.get("written", [])
                                 if w.get("backup")}
            result["validated"] = done.get("validated", [])
        verb = "would write" if self._task.check_mode else "wrote"
        result["msg"] = ("{} {}".format(verb, ", ".join(result["files"])) if changed
                         else "nothing to do")
        if not warnings:
            del result["warnings"]
        return result

    def _module(self, task_vars, **module_args):
        return self._execute_module(module_name=MODULE, module_args=module_args,
                                    task_vars=task_vars)

    @staticmethod
    def _failed(result, answer):
        result.update(failed=True, changed=False, msg=answer.get("msg", "the module failed"))
        return result

    @staticmethod
    def _bool(value):
        from ansible.module_utils.parsing.convert_bool import boolean
        return boolean(value, strict=True)
