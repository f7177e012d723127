"""The page's words, Chinese first (these users read Chinese), English one click away."""

from __future__ import annotations

from flask import g, request
from jinja2 import pass_context

LANGUAGES = ("zh", "en")
STRINGS = {
    "app": ("考评", "Kaoping"),
    "tagline": ("巩固拓展脱贫攻坚成果考核评估", "Assessment of consolidated poverty-alleviation results"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出", "Sign out"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "wrong_credentials": ("用户名或密码错误", "Wrong username or password"),
    "my_tasks": ("我的待办", "My tasks"),
    "no_tasks": ("暂无待办任务", "Nothing to do"),
    "task": ("任务", "Task"),
    "due": ("截止时间", "Due"),
    "overdue": ("已逾期", "Overdue"),
    "assignee": ("办理人", "Held by"),
    "created": ("创建时间", "Created"),
    "claim": ("认领", "Claim"),
    "unclaim": ("退回", "Release"),
    "open": ("办理", "Open"),
    "submit": ("提交", "Submit"),
    "submitted": ("已提交", "Submitted"),
    "fix_errors": ("请修改标出的内容后再提交", "Please correct the marked fields"),
    "back": ("返回待办", "Back to my tasks"),
    "language": ("English", "中文"),
    "instance": ("流程实例", "Instance"),
    "not_found": ("未找到", "Not found"),
}


def language() -> str:
    chosen = request.args.get("lang") or request.cookies.get("lang")
    return chosen if chosen in LANGUAGES else "zh"


def t(key: str) -> str:
    zh, en = STRINGS[key]
    return en if getattr(g, "lang", "zh") == "en" else zh


@pass_context  # never folded into the compiled template: the language is the request's
def bi(_context, text) -> str:
    """A "中文 / English" literal, as the reader chose: the Chinese side, or the English one."""
    text = str(text)
    zh, sep, en = text.partition(" / ")
    if not sep:
        return text
    return en if getattr(g, "lang", "zh") == "en" else zh
