import atexit
import subprocess
import sys

from django.core.management import call_command
from django.core.servers import basehttp

from lianghua.core.commands import LianghuaCommand


class Command(LianghuaCommand):
    help = "启动网站（默认 http://127.0.0.1:8000）。--demo：先初始化并生成演示数据（已有则跳过），并打印各角色的演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="监听地址:端口，默认 127.0.0.1:8000")
        parser.add_argument("--demo", action="store_true", help="先执行 init 和 demo（演示数据已存在时不重复生成）")
        parser.add_argument("--no-worker", action="store_true",
                            help="不同时启动后台任务进程（lianghua worker：通报草稿、每月排程）")

    def handle(self, *args, addrport, demo, no_worker, **options):
        if demo:
            call_command("init")
            call_command("demo", skip_if_present=True)
        if not no_worker:
            # Its own process: the worker's loop wants the main thread (signals), the website its own.
            worker = subprocess.Popen([sys.executable, "-m", "lianghua", "worker"])
            atexit.register(worker.terminate)
            self.stdout.write("后台任务进程已启动（lianghua worker）")
        self.stdout.write(self.style.SUCCESS(f"网站地址：http://{addrport}/  （Ctrl+C 停止）"))
        # Django's server, threaded; static files come from WhiteNoise, so no collectstatic step. It would
        # name itself and the Python version in every response's Server header: an attacker's first clue.
        basehttp.ServerHandler.server_software = "lianghua"
        basehttp.WSGIRequestHandler.version_string = lambda handler: "lianghua"  # type: ignore[method-assign]
        call_command("runserver", addrport, use_reloader=False, use_threading=True)
