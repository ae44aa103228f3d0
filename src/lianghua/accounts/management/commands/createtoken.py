from django.core.management.base import CommandError

from lianghua.accounts.models import User
from lianghua.accounts.services import api_token_create
from lianghua.core.commands import LianghuaCommand


class Command(LianghuaCommand):
    help = "为用户生成 API 令牌（只显示一次，请妥善保存）。用法：lianghua createtoken USERNAME [--name 用途]"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--name", default="脚本", help="令牌用途，例如“月报同步脚本”（默认：脚本）")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在或已停用")
        token, key = api_token_create(user=user, name=name)
        self.stdout.write(key)
        self.stderr.write(f"已为 {user.username}（{user.get_role_display()}）生成令牌“{token.name}”，"
                          f"请求时加请求头：Authorization: Bearer <令牌>。令牌只显示这一次。")
