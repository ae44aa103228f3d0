from django.core.management.base import CommandError
from django.utils import timezone

from lianghua.accounts.models import User
from lianghua.accounts.services import api_token_create
from lianghua.core.commands import LianghuaCommand


class Command(LianghuaCommand):
    help = "为用户生成 API 令牌（只显示一次，请妥善保存）。用法：lianghua createtoken USERNAME [--name 用途] [--days 天数]"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--name", default="脚本", help="令牌用途，例如“月报同步脚本”（默认：脚本）")
        parser.add_argument("--days", type=int, default=None, metavar="N",
                            help="有效天数（默认：LIANGHUA_TOKEN_DAYS，即 90 天）；到期后令牌失效，需重新生成")

    def handle(self, *args, username, name, days=None, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在或已停用")
        if days is not None and not 1 <= days <= 366:
            raise CommandError("有效天数应在 1–366 之间")
        token, key = api_token_create(user=user, name=name, days=days)
        self.stdout.write(key)
        self.stderr.write(f"已为 {user.username}（{user.get_role_display()}）生成令牌“{token.name}”，"
                          f"有效至 {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}，"
                          f"请求时加请求头：Authorization: Bearer <令牌>。令牌只显示这一次。")
