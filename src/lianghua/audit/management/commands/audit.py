import sys

from lianghua.audit.chain import audit_seal, audit_verify
from lianghua.core.commands import LianghuaCommand


class Command(LianghuaCommand):
    help = ("审计日志：lianghua audit seal 把尚未封存的修改记录和业务事件封存进哈希链（后台任务进程每 5 分钟自动执行）；"
            "lianghua audit verify 逐环校验哈希链，指出第一处断裂，链完整时以状态 0 退出，否则以状态 1 退出。")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["seal", "verify"], metavar="ACTION", help="seal（封存）或 verify（校验）")

    def handle(self, *args, action, **options):
        if action == "seal":
            sealed = audit_seal()
            self.stdout.write(self.style.SUCCESS(
                f"已封存：修改记录 {sealed['change']:,} 条，业务事件 {sealed['event']:,} 条"))
            return
        states = audit_verify()
        for state in states:
            if state.broken:
                self.stderr.write(self.style.ERROR(state.broken))
            else:
                self.stdout.write(f"{state.label}：{state.sealed:,} 条已封存，链完整；未封存 {state.unsealed:,} 条；"
                                  f"链尾摘要 {state.head_hash}")
        if any(state.broken for state in states):
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("审计链校验通过（请把链尾摘要另行保存，以便日后核对）"))
