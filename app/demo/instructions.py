"""The demo's instructions from above and each unit's 签收 and 推送 (seed 001)."""

from __future__ import annotations

from datetime import timedelta

from app.demo.context import WINDOW_DAYS, DemoContext
from app.oversight.instructions import PUSH_HOURS, SIGN_HOURS
from db.models import Instruction, InstructionReceipt

MONTHS = 6
ISSUERS = ("县反诈中心", "县委政法委", "县公安局", "县打击治理电信网络诈骗犯罪工作领导小组办公室")
TITLES = (
    "关于近期冒充电商物流客服诈骗高发的预警提示",
    "关于开展“全民反诈在行动”集中宣传月活动的通知",
    "关于对涉诈高危人员开展走访核查的工作指令",
    "关于春节前后防范刷单返利类诈骗的紧急通知",
    "关于落实预警劝阻“见面率”要求的指令",
    "关于开展校园反诈宣传进课堂活动的通知",
)
SIGNERS = ("联络员", "具体责任人", "值班人员")


def build_instructions(ctx: DemoContext) -> None:
    """Two instructions a month for the last months; most units sign within the hour and push
    the same day, some are late, and the newest still waits for two villages to sign."""
    rng = ctx.rng
    villages = [v.unit for v in ctx.villages]
    others = [u for u in ctx.units if u.kind != "village"]
    days = sorted({WINDOW_DAYS - 1} | {WINDOW_DAYS - 15 * k - 5 for k in range(2 * MONTHS)})
    for n, day in enumerate(days):
        came = ctx.moment(day, 510 + int(rng.random() * 450))
        recipients = "all" if n % 3 == 0 else "villages"
        instruction = ctx.add(
            Instruction,
            came,
            received_at=came,
            issuer=rng.choice(ISSUERS),
            title=TITLES[n % len(TITLES)],
            content="请各单位（村居）第一时间签收，并立即推送至本单位工作群和网格群，做好宣传提醒。",
            recipients=recipients,
            sign_due_at=came + timedelta(hours=SIGN_HOURS),
            push_due_at=came + timedelta(hours=PUSH_HOURS),
        )
        units = villages + (others if recipients == "all" else [])
        newest = day == WINDOW_DAYS - 1
        for k, unit in enumerate(units):
            if newest and k < 2:  # the overview's overdue signing
                ctx.add(InstructionReceipt, came, instruction_id=instruction, unit_id=unit.id)
                continue
            late = rng.random() < 0.08
            signed = came + timedelta(minutes=(180 + rng.random() * 120) if late
                                      else 5 + rng.random() * 100)  # fmt: skip
            pushed = signed + timedelta(
                hours=26 + rng.random() * 5 if rng.random() < 0.04 else 0.2 + rng.random() * 8
            )
            ctx.add(
                InstructionReceipt,
                came,
                instruction_id=instruction,
                unit_id=unit.id,
                signed_at=signed.replace(second=0, microsecond=0),
                signed_by=unit.people.get("liaison", (0, rng.choice(SIGNERS)))[1],
                pushed_at=None if newest and k == 2 else pushed.replace(second=0, microsecond=0),
                note="已推送至网格微信群" if unit.kind == "village" else "已推送至单位工作群",
            )
