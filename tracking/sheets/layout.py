"""The two kinds of sheet (staff, tasks): their columns, what a header may say, and the
error and result of an import."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tracking.parse import key

MAX_SHOWN_ERRORS = 30
NAME_MAX = 255


class SheetError(Exception):
    """The whole file is refused; ``errors`` are Vietnamese lines, one per problem."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__(*self.errors)

    def __str__(self) -> str:
        shown = self.errors[:MAX_SHOWN_ERRORS]
        rest = len(self.errors) - len(shown)
        return "\n".join(shown + ([f"… và {rest} lỗi khác."] if rest else []))


@dataclass
class ImportResult:
    kind: str  # "staff" or "tasks"
    created: int
    updated: int
    unchanged: int

    def summary(self) -> str:
        return f"{KINDS[self.kind].label}: thêm {self.created}, cập nhật {self.updated}, không đổi {self.unchanged}."


# --------------------------------------------------------------------------
# Sheet formats
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    help: str
    example: str = ""
    required: bool = False
    width: int = 18
    max_len: int | None = None
    aliases: tuple[str, ...] = ()

    def keys(self) -> set[str]:
        return {header_key(self.header), *(header_key(a) for a in self.aliases)}


@dataclass(frozen=True)
class SheetKind:
    name: str
    label: str  # "Danh sách cán bộ"
    sheet_title: str
    template: str  # file name without the extension
    intro: str
    columns: tuple[Column, ...]

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


S_CODE = Column(
    "Mã cán bộ",
    "Mã riêng của mỗi người, không trùng nhau; dùng để cập nhật về sau và để giao nhiệm vụ.",
    "CB01",
    required=True,
    width=12,
    max_len=64,
)
S_NAME = Column(
    "Họ và tên", "Họ và tên đầy đủ.", "Nguyễn Thị Lan", required=True, width=26, max_len=NAME_MAX, aliases=("Họ tên",)
)
S_UNIT = Column(
    "Đơn vị",
    "Đơn vị công tác, ghi từ cấp trên xuống, các cấp cách nhau bằng dấu >. "
    "Chỉ ghi riêng tên đơn vị khi không có đơn vị nào khác trùng tên.",
    "UBND tỉnh > Sở Nội vụ > Phòng CCHC",
    required=True,
    width=44,
)
S_ROLE = Column("Vai trò", "Một trong: cán bộ, lãnh đạo, quản trị.", "cán bộ", required=True, width=12)
S_TELEGRAM = Column(
    "Telegram ID",
    "Không bắt buộc. Số ID Telegram của người này. Thường để trống: người đó tự gắn "
    "tài khoản bằng mã mời. Ô trống khi cập nhật thì giữ nguyên.",
    "",
    width=14,
)
S_MANAGER = Column(
    "Cấp trên",
    "Không bắt buộc. Mã cán bộ của lãnh đạo trực tiếp; người này có thể ở ngay trong tệp.",
    "LD01",
    width=12,
    max_len=64,
)

T_CODE = Column(
    "Mã nhiệm vụ",
    "Mã riêng của mỗi nhiệm vụ, không trùng nhau; nhập lại cùng mã là cập nhật nhiệm vụ đó.",
    "NV001",
    required=True,
    width=12,
    max_len=64,
)
T_TITLE = Column(
    "Nhiệm vụ",
    "Rõ việc: việc cần làm.",
    "Khảo sát sự hài lòng của người dân tại Bộ phận Một cửa",
    required=True,
    width=40,
    max_len=500,
)
T_DESCRIPTION = Column("Mô tả", "Không bắt buộc. Mô tả thêm về nhiệm vụ.", "", width=30)
T_OWNER = Column("Người thực hiện", "Rõ người: mã cán bộ của người thực hiện.", "CB01", required=True, width=16)
T_ACCOUNTABLE = Column(
    "Người chịu trách nhiệm",
    "Rõ trách nhiệm: mã cán bộ của lãnh đạo chịu trách nhiệm.",
    "LD01",
    required=True,
    width=16,
)
T_HOST = Column(
    "Đơn vị chủ trì",
    "Không bắt buộc. Đơn vị đã có trong danh sách cán bộ (đường dẫn hoặc tên); "
    "để trống thì lấy đơn vị của người thực hiện.",
    "",
    width=30,
)
T_COORDINATING = Column("Đơn vị phối hợp", "Không bắt buộc. Ghi tự do.", "Văn phòng UBND tỉnh", width=24, max_len=1000)
T_START = Column("Ngày bắt đầu", "Không bắt buộc. Ngày dạng dd/mm/yyyy.", "01/03/2026", width=13)
T_DEADLINE = Column(
    "Thời hạn",
    "Rõ tiến độ: hạn hoàn thành, dạng dd/mm/yyyy.",
    "30/06/2026",
    required=True,
    width=12,
    aliases=("Hạn hoàn thành",),
)
T_MILESTONES = Column(
    "Mốc tiến độ",
    "Không bắt buộc. Các mốc «ngày: việc», cách nhau bằng dấu chấm phẩy; nhập lại thì thay các mốc cũ.",
    "15/03/2026: Khảo sát; 30/04/2026: Báo cáo",
    width=36,
)
T_EXPECTED = Column(
    "Kết quả cần đạt",
    "Rõ hiệu quả: sản phẩm hoặc kết quả cụ thể.",
    "Báo cáo kết quả khảo sát 300 phiếu",
    required=True,
    width=36,
    max_len=1000,
)
T_MEASURE = Column("Cách đo", "Không bắt buộc. Đo kết quả bằng gì.", "Số phiếu khảo sát thu về", width=24, max_len=255)
T_TARGET = Column(
    "Chỉ tiêu",
    "Không bắt buộc. Mã chỉ tiêu (ví dụ CT01) hoặc tên chỉ tiêu; tên chưa có thì thêm chỉ tiêu mới.",
    "Tỷ lệ hài lòng SIPAS > 85%",
    width=30,
    max_len=500,
)
T_RULE = Column(
    "Định kỳ",
    "Không bắt buộc. Với báo cáo lặp lại: quy tắc định kỳ, ví dụ «hằng tháng ngày 25», "
    "«hằng quý ngày 15 tháng cuối quý», «6 tháng 15/06 và 15/12», «hằng năm 15/12», «ngày làm việc "
    "thứ 5 của tháng». Mỗi kỳ có một nhiệm vụ riêng, mã là mã nhiệm vụ và kỳ (BC-Q-2026Q4), hạn theo "
    "quy tắc: cột «Thời hạn» để trống. Để trống: việc làm một lần.",
    "",
    width=30,
    max_len=255,
)

STAFF_SHEET = SheetKind(
    "staff",
    "Danh sách cán bộ",
    "Cán bộ",
    "mau-can-bo",
    "Mỗi dòng là một người. Nhập danh sách cán bộ trước danh sách nhiệm vụ.",
    (S_CODE, S_NAME, S_UNIT, S_ROLE, S_TELEGRAM, S_MANAGER),
)
TASK_SHEET = SheetKind(
    "tasks",
    "Danh sách nhiệm vụ",
    "Nhiệm vụ",
    "mau-nhiem-vu",
    "Mỗi dòng là một nhiệm vụ, rõ 5 điểm: rõ việc, rõ người, rõ trách nhiệm, rõ tiến độ, rõ hiệu quả. "
    "Người thực hiện và người chịu trách nhiệm phải có trong danh sách cán bộ đã nhập.",
    (
        T_CODE,
        T_TITLE,
        T_DESCRIPTION,
        T_OWNER,
        T_ACCOUNTABLE,
        T_HOST,
        T_COORDINATING,
        T_START,
        T_DEADLINE,
        T_MILESTONES,
        T_EXPECTED,
        T_MEASURE,
        T_TARGET,
        T_RULE,
    ),
)
C_DAY = Column("Ngày", "Ngày dạng dd/mm/yyyy.", "09/05/2026", required=True, width=12)
C_KIND = Column(
    "Loại",
    "«làm việc» (ngày làm việc bù, ví dụ một thứ Bảy) hoặc «nghỉ» (ngày nghỉ riêng của cơ quan); "
    "có dấu hay không dấu đều được.",
    "làm việc",
    required=True,
    width=12,
)
C_NOTE = Column("Ghi chú", "Lý do hoặc ghi chú; bắt buộc với ngày nghỉ.", "Làm bù cho ngày 30/4", width=36, max_len=255)
CALENDAR_SHEET = SheetKind(
    "calendar",
    "Lịch làm việc của cơ quan",
    "Lịch",
    "mau-lich-co-quan",
    "Mỗi dòng là một ngày làm việc bù hoặc một ngày nghỉ riêng của cơ quan, ngoài các ngày lễ quốc gia bot đã "
    "biết. Nhập lại cùng ngày là thay loại và ghi chú của ngày đó.",
    (C_DAY, C_KIND, C_NOTE),
)
KINDS = {kind.name: kind for kind in (STAFF_SHEET, TASK_SHEET, CALENDAR_SHEET)}

# What the audit log calls each imported field.
FIELD_LABELS = {
    "full_name": S_NAME.header,
    "unit_id": S_UNIT.header,
    "role": S_ROLE.header,
    "telegram_id": S_TELEGRAM.header,
    "manager_id": S_MANAGER.header,
    "title": T_TITLE.header,
    "description": T_DESCRIPTION.header,
    "owner_id": T_OWNER.header,
    "accountable_id": T_ACCOUNTABLE.header,
    "host_unit_id": T_HOST.header,
    "coordinating_units": T_COORDINATING.header,
    "start_date": T_START.header,
    "deadline": T_DEADLINE.header,
    "expected_result": T_EXPECTED.header,
    "measure": T_MEASURE.header,
    "target_id": T_TARGET.header,
    "milestones": T_MILESTONES.header,
    "rule": T_RULE.header,
}


def header_key(text: str) -> str:
    """How a header cell is compared: folded, without a "(...)" hint or "*"."""
    return key(re.sub(r"\([^)]*\)|\*", " ", str(text)))


_KNOWN_HEADERS = {k for kind in KINDS.values() for column in kind.columns for k in column.keys()}  # noqa: SIM118 (a Column)
