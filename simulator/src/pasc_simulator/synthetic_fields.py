"""Fields and procedure names of the SYNTHETIC catalog: plausible, not the city's official list.

Each agency has fields (mã, tên lĩnh vực); each field has groups of (actions, objects, variants):
every action with every object and each variant ("" for none) makes one procedure name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Group:
    actions: tuple[str, ...]
    objects: tuple[str, ...]
    variants: tuple[str, ...] = ()

    def names(self) -> list[str]:
        suffixes = self.variants or ("",)
        return [
            f"{a} {o}{' ' + s if s else ''}"
            for a in self.actions
            for o in self.objects
            for s in suffixes
        ]


@dataclass(frozen=True)
class Field:
    code: str
    name: str
    groups: tuple[Group, ...]


LICENCE = ("Cấp", "Cấp lại", "Cấp đổi", "Điều chỉnh", "Gia hạn", "Thu hồi")
CERTIFICATE = ("Cấp", "Cấp lại", "Điều chỉnh nội dung", "Thu hồi")
APPRAISAL = ("Thẩm định", "Phê duyệt", "Thẩm định điều chỉnh")
ISSUE = ("Cấp", "Cấp lại")
ISSUE_RENEW = ("Cấp", "Cấp lại", "Gia hạn")
ISSUE_AMEND = ("Cấp", "Cấp lại", "Sửa đổi, bổ sung")


def _g(actions: tuple[str, ...], *objects: str, variants: tuple[str, ...] = ()) -> Group:
    return Group(actions, objects, variants)


FIELDS: dict[str, tuple[Field, ...]] = {
    "SXD": (
        Field(
            "HDXD",
            "Hoạt động xây dựng",
            (
                _g(("Cấp",), "giấy phép xây dựng"),
                _g(
                    LICENCE,
                    "giấy phép xây dựng công trình",
                    "giấy phép sửa chữa, cải tạo công trình",
                    "giấy phép di dời công trình",
                    "giấy phép xây dựng công trình có thời hạn",
                    variants=(
                        "",
                        "đối với công trình cấp I, cấp II",
                        "đối với công trình cấp III, cấp IV",
                    ),
                ),
                _g(
                    CERTIFICATE,
                    "chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III",
                    "chứng chỉ năng lực hoạt động xây dựng hạng II, hạng III",
                ),
            ),
        ),
        Field(
            "TDDA",
            "Thẩm định dự án, thiết kế xây dựng",
            (
                _g(
                    APPRAISAL,
                    "báo cáo nghiên cứu khả thi đầu tư xây dựng",
                    "thiết kế xây dựng triển khai sau thiết kế cơ sở",
                    "dự toán xây dựng công trình",
                    "báo cáo kinh tế - kỹ thuật đầu tư xây dựng",
                    variants=(
                        "",
                        "sử dụng vốn đầu tư công",
                        "sử dụng vốn nhà nước ngoài đầu tư công",
                    ),
                ),
            ),
        ),
        Field(
            "QHKT",
            "Quy hoạch xây dựng, kiến trúc",
            (
                _g(CERTIFICATE, "chứng chỉ hành nghề kiến trúc"),
                _g(
                    APPRAISAL,
                    "nhiệm vụ quy hoạch chi tiết xây dựng",
                    "đồ án quy hoạch chi tiết xây dựng",
                    "nhiệm vụ quy hoạch phân khu",
                    "đồ án quy hoạch phân khu",
                ),
                _g(("Cấp", "Điều chỉnh"), "giấy phép quy hoạch xây dựng"),
            ),
        ),
        Field(
            "HTKT",
            "Hạ tầng kỹ thuật",
            (
                _g(
                    ("Cấp", "Cấp lại", "Điều chỉnh"),
                    "giấy phép chặt hạ, dịch chuyển cây xanh",
                    "giấy phép đào đường đô thị để lắp đặt hạ tầng kỹ thuật",
                    "thỏa thuận đấu nối hạ tầng kỹ thuật",
                    "giấy phép sử dụng tạm thời một phần hè phố",
                ),
                _g(
                    ("Thẩm định", "Phê duyệt"),
                    "phương án giá dịch vụ thoát nước",
                    "quy hoạch nghĩa trang",
                ),
            ),
        ),
        Field(
            "NO",
            "Nhà ở",
            (
                _g(
                    ("Giải quyết", "Thẩm định hồ sơ"),
                    "bán nhà ở xã hội",
                    "cho thuê nhà ở công vụ",
                    "cho thuê mua nhà ở xã hội",
                    "bán nhà ở cũ thuộc sở hữu nhà nước",
                ),
                _g(("Chấp thuận", "Điều chỉnh"), "chủ trương đầu tư dự án nhà ở thương mại"),
            ),
        ),
        Field(
            "KDBDS",
            "Kinh doanh bất động sản",
            (
                _g(CERTIFICATE, "chứng chỉ hành nghề môi giới bất động sản"),
                _g(
                    ("Chấp thuận", "Thẩm định"),
                    "chuyển nhượng toàn bộ dự án bất động sản",
                    "chuyển nhượng một phần dự án bất động sản",
                ),
            ),
        ),
        Field(
            "VLXD",
            "Vật liệu xây dựng",
            (
                _g(
                    ("Tiếp nhận hồ sơ công bố hợp quy", "Kiểm tra nhà nước về chất lượng"),
                    "sản phẩm vật liệu xây dựng",
                    "hàng hóa vật liệu xây dựng nhập khẩu",
                    "sản phẩm kính xây dựng",
                ),
            ),
        ),
    ),
    "STNMT": (
        Field(
            "DD",
            "Đất đai",
            (
                _g(
                    (
                        "Giao đất",
                        "Cho thuê đất",
                        "Chuyển mục đích sử dụng đất",
                        "Gia hạn sử dụng đất",
                        "Điều chỉnh quyết định thu hồi đất",
                    ),
                    "đối với tổ chức",
                    "đối với cơ sở tôn giáo",
                    "đối với người Việt Nam định cư ở nước ngoài",
                    "đối với tổ chức kinh tế có vốn đầu tư nước ngoài",
                ),
                _g(
                    ("Cấp", "Cấp đổi", "Cấp lại", "Đính chính", "Thu hồi"),
                    "giấy chứng nhận quyền sử dụng đất cho tổ chức",
                    "giấy chứng nhận quyền sử dụng đất cho dự án nhà ở",
                    "giấy chứng nhận quyền sở hữu công trình xây dựng",
                ),
                _g(
                    ("Đăng ký", "Xóa đăng ký", "Đăng ký thay đổi nội dung"),
                    "thế chấp quyền sử dụng đất",
                    "thế chấp tài sản gắn liền với đất",
                    "thế chấp dự án đầu tư xây dựng nhà ở",
                ),
                _g(
                    ("Đăng ký biến động",),
                    "quyền sử dụng đất",
                    "quyền sở hữu tài sản gắn liền với đất",
                    variants=(
                        "",
                        "do đổi tên tổ chức",
                        "do chia, tách, hợp nhất, sáp nhập tổ chức",
                        "do thay đổi diện tích xây dựng",
                    ),
                ),
            ),
        ),
        Field(
            "MT",
            "Môi trường",
            (
                _g(
                    ("Cấp", "Cấp lại", "Điều chỉnh", "Cấp đổi"),
                    "giấy phép môi trường",
                    "giấy phép môi trường thành phần",
                    "giấy phép xử lý chất thải nguy hại",
                ),
                _g(
                    APPRAISAL,
                    "báo cáo đánh giá tác động môi trường",
                    "phương án cải tạo, phục hồi môi trường",
                    "kế hoạch ứng phó sự cố môi trường",
                ),
                _g(
                    ("Đăng ký", "Xác nhận"),
                    "kế hoạch bảo vệ môi trường",
                    "hoàn thành công trình bảo vệ môi trường",
                ),
            ),
        ),
        Field(
            "TNN",
            "Tài nguyên nước",
            (
                _g(
                    LICENCE,
                    "giấy phép khai thác nước mặt",
                    "giấy phép khai thác nước dưới đất",
                    "giấy phép xả nước thải vào nguồn nước",
                    "giấy phép thăm dò nước dưới đất",
                    variants=(
                        "",
                        "có lưu lượng dưới 3.000 m³/ngày đêm",
                        "có lưu lượng từ 3.000 m³/ngày đêm trở lên",
                    ),
                ),
                _g(ISSUE_RENEW, "giấy phép hành nghề khoan nước dưới đất quy mô vừa và nhỏ"),
            ),
        ),
        Field(
            "KS",
            "Khoáng sản",
            (
                _g(
                    ("Cấp", "Gia hạn", "Điều chỉnh", "Trả lại"),
                    "giấy phép thăm dò khoáng sản",
                    "giấy phép khai thác khoáng sản",
                    "giấy phép khai thác tận thu khoáng sản",
                    "giấy phép khai thác cát, sỏi lòng sông",
                ),
                _g(
                    ("Phê duyệt", "Thẩm định"),
                    "trữ lượng khoáng sản",
                    "đề án đóng cửa mỏ khoáng sản",
                ),
            ),
        ),
        Field(
            "DDBD",
            "Đo đạc, bản đồ",
            (
                _g(
                    ("Cấp", "Cấp bổ sung", "Gia hạn"),
                    "chứng chỉ hành nghề đo đạc và bản đồ hạng II",
                    "giấy phép hoạt động đo đạc và bản đồ",
                ),
                _g(
                    ("Cung cấp",),
                    "thông tin, dữ liệu đo đạc và bản đồ",
                    "thông tin, dữ liệu đất đai",
                ),
            ),
        ),
        Field(
            "KTTV",
            "Khí tượng thủy văn",
            (
                _g(
                    ("Cấp", "Sửa đổi, bổ sung", "Gia hạn"),
                    "giấy phép hoạt động dự báo, cảnh báo khí tượng thủy văn",
                ),
            ),
        ),
    ),
    "SGTVT": (
        Field(
            "DB",
            "Đường bộ",
            (
                _g(
                    ("Cấp", "Cấp lại", "Cấp đổi"),
                    "giấy phép lái xe",
                    variants=("", "hạng A1, A2", "hạng B1, B2", "hạng C", "hạng D, E, F"),
                ),
                _g(
                    ISSUE,
                    "giấy phép lái xe quốc tế",
                    "giấy phép kinh doanh vận tải bằng xe ô tô",
                    "phù hiệu xe ô tô kinh doanh vận tải",
                    "giấy phép xe tập lái",
                    "giấy chứng nhận giáo viên dạy thực hành lái xe",
                    "giấy phép đào tạo lái xe ô tô",
                    "giấy phép sát hạch lái xe",
                    "giấy phép liên vận Việt Nam - Campuchia",
                    "giấy phép liên vận Việt - Lào",
                    "giấy phép vận tải đường bộ quốc tế ASEAN",
                ),
                _g(
                    ("Tổ chức sát hạch", "Phúc tra kết quả sát hạch"),
                    "giấy phép lái xe",
                    variants=("hạng A1, A2", "hạng B1, B2", "hạng C", "hạng D, E, F", "hạng FC"),
                ),
                _g(
                    ("Chấp thuận", "Gia hạn chấp thuận"),
                    "thiết kế và phương án tổ chức giao thông của nút giao đấu nối vào quốc lộ",
                    "xây dựng công trình thiết yếu trong phạm vi bảo vệ kết cấu hạ tầng giao thông đường bộ",
                    "khai thác tuyến vận tải hành khách cố định",
                ),
                _g(
                    ("Cấp", "Gia hạn"),
                    "giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn",
                    "giấy phép thi công công trình trên đường bộ đang khai thác",
                ),
                _g(
                    ("Đăng ký", "Điều chỉnh", "Ngừng khai thác"),
                    "tuyến vận tải hành khách cố định",
                    "khai thác tuyến xe buýt",
                ),
            ),
        ),
        Field(
            "DTND",
            "Đường thủy nội địa",
            (
                _g(
                    ("Cấp", "Cấp lại", "Cấp đổi"),
                    "giấy chứng nhận khả năng chuyên môn thuyền trưởng, máy trưởng",
                    "chứng chỉ chuyên môn phương tiện thủy nội địa",
                    "giấy chứng nhận đăng ký phương tiện thủy nội địa",
                ),
                _g(
                    ("Công bố", "Công bố lại", "Thu hồi quyết định công bố"),
                    "hoạt động cảng thủy nội địa",
                    "hoạt động bến thủy nội địa",
                    "hoạt động khu neo đậu phương tiện thủy nội địa",
                ),
                _g(
                    ("Chấp thuận", "Thỏa thuận"),
                    "thiết lập báo hiệu đường thủy nội địa",
                    "phương án bảo đảm an toàn giao thông đường thủy nội địa",
                ),
            ),
        ),
        Field(
            "HH",
            "Hàng hải",
            (
                _g(
                    ISSUE_AMEND,
                    "giấy phép hoạt động bến cảng",
                    "giấy chứng nhận khả năng chuyên môn thuyền viên",
                    "giấy phép hoạt động của phương tiện thủy nội địa mang cấp VR-SB",
                ),
            ),
        ),
        Field(
            "DK",
            "Đăng kiểm",
            (
                _g(
                    ISSUE,
                    "giấy chứng nhận thẩm định thiết kế xe cơ giới cải tạo",
                    "giấy chứng nhận chất lượng an toàn kỹ thuật xe cơ giới cải tạo",
                    "giấy chứng nhận an toàn kỹ thuật xe máy chuyên dùng",
                ),
                _g(
                    ("Đăng ký", "Đăng ký tạm thời", "Di chuyển đăng ký", "Thu hồi đăng ký"),
                    "xe máy chuyên dùng",
                ),
            ),
        ),
    ),
    "SCT": (
        Field(
            "LTHH",
            "Lưu thông hàng hóa trong nước",
            (
                _g(
                    ("Cấp", "Cấp lại", "Cấp sửa đổi, bổ sung"),
                    "giấy phép bán lẻ sản phẩm thuốc lá",
                    "giấy phép bán buôn sản phẩm thuốc lá",
                    "giấy phép bán buôn rượu",
                    "giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh",
                    "giấy phép sản xuất rượu công nghiệp",
                    "giấy chứng nhận đủ điều kiện làm tổng đại lý kinh doanh xăng dầu",
                    "giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu",
                    "giấy chứng nhận đủ điều kiện thương nhân phân phối xăng dầu",
                    "giấy phép kinh doanh bán buôn phân bón",
                ),
            ),
        ),
        Field(
            "KDK",
            "Kinh doanh khí",
            (
                _g(
                    ("Cấp", "Cấp lại", "Cấp điều chỉnh"),
                    "giấy chứng nhận đủ điều kiện cửa hàng bán lẻ LPG chai",
                    "giấy chứng nhận đủ điều kiện trạm nạp LPG vào chai",
                    "giấy chứng nhận đủ điều kiện trạm nạp LPG vào phương tiện vận tải",
                    "giấy chứng nhận đủ điều kiện thương nhân kinh doanh mua bán LNG",
                ),
            ),
        ),
        Field(
            "DL",
            "Điện lực",
            (
                _g(
                    ("Cấp", "Cấp sửa đổi, bổ sung", "Thu hồi"),
                    "giấy phép hoạt động phát điện",
                    "giấy phép hoạt động phân phối điện",
                    "giấy phép hoạt động bán lẻ điện",
                    "giấy phép hoạt động tư vấn chuyên ngành điện lực",
                    variants=(
                        "",
                        "đối với nhà máy có công suất dưới 3 MW",
                    ),
                ),
                _g(
                    ("Thẩm định", "Phê duyệt"),
                    "kế hoạch ứng phó tình huống khẩn cấp công trình thủy điện",
                ),
            ),
        ),
        Field(
            "HC",
            "Hóa chất, vật liệu nổ công nghiệp",
            (
                _g(
                    ("Cấp", "Cấp lại", "Cấp điều chỉnh"),
                    "giấy chứng nhận đủ điều kiện sản xuất hóa chất sản xuất, kinh doanh có điều kiện",
                    "giấy chứng nhận đủ điều kiện kinh doanh hóa chất sản xuất, kinh doanh có điều kiện",
                    "giấy chứng nhận huấn luyện kỹ thuật an toàn vật liệu nổ công nghiệp",
                    "giấy phép sử dụng vật liệu nổ công nghiệp",
                    "giấy phép kinh doanh tiền chất thuốc nổ",
                ),
            ),
        ),
        Field(
            "XTTM",
            "Xúc tiến thương mại",
            (
                _g(
                    ("Đăng ký", "Đăng ký sửa đổi, bổ sung"),
                    "thực hiện khuyến mại",
                    "tổ chức hội chợ, triển lãm thương mại",
                    "hoạt động bán hàng đa cấp tại địa phương",
                ),
                _g(
                    ("Thông báo", "Thông báo sửa đổi, bổ sung"),
                    "hoạt động khuyến mại",
                    "tổ chức hội nghị, hội thảo bán hàng đa cấp",
                ),
            ),
        ),
        Field(
            "TMQT",
            "Thương mại quốc tế",
            (
                _g(
                    ("Cấp", "Cấp lại", "Điều chỉnh", "Gia hạn"),
                    "giấy phép thành lập văn phòng đại diện của thương nhân nước ngoài",
                    "giấy phép kinh doanh cho tổ chức kinh tế có vốn đầu tư nước ngoài",
                    "giấy phép lập cơ sở bán lẻ",
                ),
            ),
        ),
        Field(
            "ATTP",
            "An toàn thực phẩm",
            (
                _g(
                    ISSUE,
                    "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
                    "giấy xác nhận kiến thức an toàn thực phẩm",
                    variants=("", "đối với cơ sở sản xuất", "đối với cơ sở kinh doanh"),
                ),
            ),
        ),
        Field(
            "QLCT",
            "Quản lý cạnh tranh",
            (_g(("Đăng ký", "Đăng ký sửa đổi"), "hợp đồng theo mẫu, điều kiện giao dịch chung"),),
        ),
        Field(
            "NL",
            "Năng lượng",
            (
                _g(
                    APPRAISAL,
                    "thiết kế xây dựng công trình đường dây và trạm biến áp",
                    "báo cáo kinh tế - kỹ thuật công trình năng lượng",
                    "kế hoạch sử dụng năng lượng tiết kiệm và hiệu quả",
                ),
                _g(ISSUE, "thẻ kiểm tra viên điện lực", "chứng nhận huấn luyện an toàn điện"),
            ),
        ),
        Field(
            "CNDP",
            "Công nghiệp địa phương",
            (
                _g(
                    ("Công nhận", "Hủy bỏ công nhận"),
                    "sản phẩm công nghiệp nông thôn tiêu biểu cấp thành phố",
                ),
            ),
        ),
    ),
    "SNNPTNT": (
        Field(
            "TY",
            "Thú y",
            (
                _g(
                    ISSUE_RENEW,
                    "giấy chứng nhận cơ sở an toàn dịch bệnh động vật",
                    "chứng chỉ hành nghề thú y",
                    "giấy chứng nhận đủ điều kiện buôn bán thuốc thú y",
                ),
                _g(
                    ISSUE_RENEW,
                    "giấy chứng nhận đủ điều kiện vệ sinh thú y",
                    variants=(
                        "đối với cơ sở giết mổ động vật",
                        "đối với cơ sở sơ chế, chế biến sản phẩm động vật",
                        "đối với cơ sở kinh doanh sản phẩm động vật",
                    ),
                ),
                _g(
                    ("Cấp",),
                    "giấy chứng nhận kiểm dịch động vật, sản phẩm động vật vận chuyển ra khỏi địa bàn thành phố",
                ),
            ),
        ),
        Field(
            "BVTV",
            "Bảo vệ thực vật",
            (
                _g(
                    ISSUE_RENEW,
                    "giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật",
                    "giấy phép vận chuyển thuốc bảo vệ thực vật",
                    "giấy chứng nhận kiểm dịch thực vật nội địa",
                ),
            ),
        ),
        Field(
            "TT",
            "Trồng trọt",
            (
                _g(
                    ISSUE,
                    "giấy chứng nhận đủ điều kiện sản xuất phân bón",
                    "mã số vùng trồng",
                    "giấy chứng nhận đủ điều kiện sản xuất giống cây trồng",
                ),
                _g(("Công nhận", "Công nhận lại"), "cây đầu dòng", "vườn cây đầu dòng"),
            ),
        ),
        Field(
            "TS",
            "Thủy sản",
            (
                _g(
                    ISSUE_RENEW,
                    "giấy phép khai thác thủy sản",
                    "giấy chứng nhận cơ sở đủ điều kiện nuôi trồng thủy sản",
                    "giấy chứng nhận đủ điều kiện sản xuất, ương dưỡng giống thủy sản",
                    "giấy xác nhận đăng ký nuôi trồng thủy sản lồng bè",
                    "giấy chứng nhận an toàn kỹ thuật tàu cá",
                ),
                _g(("Đăng ký", "Xóa đăng ký"), "tàu cá", "tàu cá tạm thời"),
            ),
        ),
        Field(
            "LN",
            "Lâm nghiệp",
            (
                _g(
                    ("Phê duyệt", "Điều chỉnh"),
                    "phương án quản lý rừng bền vững",
                    "thiết kế, dự toán công trình lâm sinh",
                    "chuyển loại rừng",
                ),
                _g(
                    ISSUE,
                    "giấy phép vận chuyển đặc biệt",
                    "mã số cơ sở trồng cấy nhân tạo thực vật rừng",
                ),
                _g(("Xác nhận",), "nguồn gốc lâm sản", "bảng kê lâm sản"),
            ),
        ),
        Field(
            "TL",
            "Thủy lợi",
            (
                _g(
                    ("Cấp", "Cấp gia hạn", "Điều chỉnh"),
                    "giấy phép xả nước thải vào công trình thủy lợi",
                    "giấy phép hoạt động trong phạm vi bảo vệ công trình thủy lợi",
                    "giấy phép nổ mìn trong phạm vi bảo vệ công trình thủy lợi",
                ),
                _g(
                    ("Phê duyệt", "Điều chỉnh"),
                    "quy trình vận hành công trình thủy lợi",
                    "phương án ứng phó thiên tai cho công trình vùng hạ du đập",
                ),
            ),
        ),
        Field(
            "QLCL",
            "Quản lý chất lượng nông lâm sản và thủy sản",
            (
                _g(
                    ISSUE,
                    "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông lâm thủy sản",
                    variants=("", "đối với cơ sở sản xuất", "đối với cơ sở kinh doanh"),
                ),
            ),
        ),
        Field(
            "CN",
            "Chăn nuôi",
            (
                _g(
                    ISSUE,
                    "giấy chứng nhận đủ điều kiện chăn nuôi trang trại quy mô lớn",
                    "giấy chứng nhận đủ điều kiện sản xuất thức ăn chăn nuôi thương mại",
                    "giấy chứng nhận đủ điều kiện sản xuất thức ăn chăn nuôi theo đặt hàng",
                ),
                _g(("Công bố",), "thông tin sản phẩm thức ăn bổ sung"),
            ),
        ),
        Field(
            "PTNT",
            "Kinh tế hợp tác và phát triển nông thôn",
            (
                _g(
                    ("Công nhận", "Công nhận lại"),
                    "làng nghề",
                    "làng nghề truyền thống",
                    "nghề truyền thống",
                ),
            ),
        ),
    ),
    "SYT": (
        Field(
            "KCB",
            "Khám bệnh, chữa bệnh",
            (
                _g(
                    CERTIFICATE,
                    "giấy phép hành nghề khám bệnh, chữa bệnh",
                    "giấy phép hoạt động phòng khám đa khoa",
                    "giấy phép hoạt động phòng khám chuyên khoa",
                    "giấy phép hoạt động phòng khám y học cổ truyền",
                    "giấy phép hoạt động cơ sở dịch vụ cấp cứu, hỗ trợ vận chuyển người bệnh",
                    "giấy phép hoạt động phòng chẩn trị y học cổ truyền",
                    "giấy phép hoạt động nhà hộ sinh",
                    variants=(
                        "",
                        "đối với cơ sở tư nhân",
                        "đối với cơ sở có vốn đầu tư nước ngoài",
                    ),
                ),
            ),
        ),
        Field(
            "DP",
            "Dược phẩm",
            (
                _g(
                    ("Cấp", "Cấp lại", "Điều chỉnh nội dung"),
                    "chứng chỉ hành nghề dược",
                    "giấy chứng nhận đủ điều kiện kinh doanh dược cho nhà thuốc",
                    "giấy chứng nhận đủ điều kiện kinh doanh dược cho quầy thuốc",
                    "giấy chứng nhận đủ điều kiện kinh doanh dược cho cơ sở bán buôn",
                ),
                _g(("Cấp giấy xác nhận nội dung quảng cáo",), "thuốc", "mỹ phẩm"),
                _g(("Tiếp nhận phiếu công bố",), "sản phẩm mỹ phẩm sản xuất trong nước"),
            ),
        ),
        Field(
            "TTB",
            "Trang thiết bị y tế",
            (
                _g(
                    ("Công bố", "Công bố lại"),
                    "đủ điều kiện mua bán trang thiết bị y tế",
                    "tiêu chuẩn áp dụng đối với trang thiết bị y tế loại A, B",
                    "đủ điều kiện sản xuất trang thiết bị y tế",
                ),
            ),
        ),
        Field(
            "ATTP",
            "An toàn thực phẩm và dinh dưỡng",
            (
                _g(
                    ISSUE,
                    "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở dịch vụ ăn uống",
                    "giấy xác nhận nội dung quảng cáo thực phẩm bảo vệ sức khỏe",
                ),
                _g(
                    ("Đăng ký bản công bố",),
                    "sản phẩm dinh dưỡng y học",
                    "thực phẩm dùng cho chế độ ăn đặc biệt",
                ),
            ),
        ),
        Field(
            "YTDP",
            "Y tế dự phòng",
            (
                _g(
                    ("Công bố", "Công bố lại"),
                    "cơ sở đủ điều kiện thực hiện xét nghiệm khẳng định HIV dương tính",
                    "cơ sở đủ điều kiện tiêm chủng",
                    "cơ sở đủ điều kiện quan trắc môi trường lao động",
                    "cơ sở đủ điều kiện khám sức khỏe",
                ),
                _g(
                    ISSUE,
                    "giấy chứng nhận đủ điều kiện điều trị nghiện chất dạng thuốc phiện bằng thuốc thay thế",
                ),
            ),
        ),
        Field(
            "SKSS",
            "Sức khỏe sinh sản",
            (
                _g(
                    ("Công nhận", "Công nhận lại"),
                    "cơ sở khám bệnh, chữa bệnh được phép thực hiện kỹ thuật thụ tinh trong ống nghiệm",
                    "cơ sở đủ điều kiện thực hiện kỹ thuật xác định lại giới tính",
                ),
                _g(
                    ISSUE,
                    "giấy chứng nhận đủ điều kiện cung cấp dịch vụ diệt côn trùng, diệt khuẩn bằng chế phẩm",
                ),
            ),
        ),
        Field(
            "GDYK",
            "Giám định y khoa",
            (
                _g(
                    ("Khám giám định", "Khám giám định lại", "Khám giám định phúc quyết"),
                    "mức độ khuyết tật",
                    "thương tật lần đầu do tai nạn lao động",
                    "bệnh nghề nghiệp",
                    "để thực hiện chế độ hưu trí trước tuổi",
                ),
            ),
        ),
    ),
    "STP": (
        Field(
            "LS",
            "Luật sư",
            (
                _g(
                    (
                        "Đăng ký hoạt động",
                        "Thay đổi nội dung đăng ký hoạt động",
                        "Chấm dứt hoạt động",
                    ),
                    "tổ chức hành nghề luật sư",
                    "chi nhánh của tổ chức hành nghề luật sư",
                    "chi nhánh, công ty luật nước ngoài",
                ),
                _g(ISSUE, "giấy đăng ký hành nghề luật sư với tư cách cá nhân"),
            ),
        ),
        Field(
            "CC",
            "Công chứng",
            (
                _g(
                    (
                        "Thành lập",
                        "Đăng ký hoạt động",
                        "Thay đổi nội dung đăng ký hoạt động",
                        "Chấm dứt hoạt động",
                        "Chuyển nhượng",
                        "Hợp nhất",
                        "Sáp nhập",
                    ),
                    "văn phòng công chứng",
                ),
                _g(
                    ("Đăng ký hành nghề và cấp", "Cấp lại", "Xóa đăng ký hành nghề và thu hồi"),
                    "thẻ công chứng viên",
                ),
            ),
        ),
        Field(
            "TGPL",
            "Trợ giúp pháp lý",
            (
                _g(
                    ("Đăng ký", "Chấm dứt"),
                    "tham gia trợ giúp pháp lý",
                    variants=("", "của tổ chức hành nghề luật sư", "của tổ chức tư vấn pháp luật"),
                ),
                _g(
                    ("Cấp", "Cấp lại", "Thu hồi"),
                    "thẻ trợ giúp viên pháp lý",
                    "thẻ cộng tác viên trợ giúp pháp lý",
                ),
                _g(("Yêu cầu", "Rút yêu cầu"), "trợ giúp pháp lý"),
            ),
        ),
        Field(
            "LLTP",
            "Lý lịch tư pháp",
            (
                _g(
                    ("Cấp",),
                    "phiếu lý lịch tư pháp",
                    variants=(
                        "",
                        "cho công dân Việt Nam",
                        "cho người nước ngoài đang cư trú tại Việt Nam",
                        "cho cơ quan tiến hành tố tụng",
                        "cho cơ quan nhà nước, tổ chức chính trị - xã hội",
                    ),
                ),
            ),
        ),
        Field(
            "HT",
            "Hộ tịch",
            (
                _g(
                    ("Đăng ký",),
                    "khai sinh có yếu tố nước ngoài",
                    "kết hôn có yếu tố nước ngoài",
                    "nhận cha, mẹ, con có yếu tố nước ngoài",
                    "khai tử có yếu tố nước ngoài",
                    "giám hộ có yếu tố nước ngoài",
                    "lại khai sinh có yếu tố nước ngoài",
                ),
                _g(
                    ("Ghi vào sổ hộ tịch",),
                    "việc kết hôn của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài",
                    "việc ly hôn của công dân Việt Nam đã được giải quyết ở nước ngoài",
                ),
            ),
        ),
        Field(
            "QT",
            "Quốc tịch",
            (_g(("Thôi", "Nhập", "Trở lại", "Xác nhận có"), "quốc tịch Việt Nam"),),
        ),
        Field(
            "NCN",
            "Nuôi con nuôi",
            (
                _g(
                    ("Đăng ký",),
                    "việc nuôi con nuôi nước ngoài",
                    "lại việc nuôi con nuôi có yếu tố nước ngoài",
                ),
            ),
        ),
        Field(
            "GDTP",
            "Giám định tư pháp",
            (
                _g(("Bổ nhiệm", "Miễn nhiệm"), "giám định viên tư pháp"),
                _g(
                    ("Cấp", "Cấp lại", "Thay đổi, bổ sung"),
                    "giấy đăng ký hoạt động văn phòng giám định tư pháp",
                ),
            ),
        ),
        Field(
            "DGTS",
            "Đấu giá tài sản",
            (
                _g(
                    ("Cấp", "Cấp lại", "Thay đổi nội dung"),
                    "giấy đăng ký hoạt động doanh nghiệp đấu giá tài sản",
                    "thẻ đấu giá viên",
                ),
            ),
        ),
        Field(
            "TPL",
            "Thừa phát lại",
            (
                _g(
                    ("Thành lập", "Đăng ký hoạt động", "Chấm dứt hoạt động"),
                    "văn phòng thừa phát lại",
                ),
            ),
        ),
        Field(
            "TTTM",
            "Trọng tài thương mại, hòa giải thương mại",
            (
                _g(
                    ("Đăng ký hoạt động", "Thay đổi nội dung đăng ký hoạt động"),
                    "trung tâm trọng tài",
                    "chi nhánh trung tâm trọng tài",
                    "trung tâm hòa giải thương mại",
                ),
                _g(("Đăng ký", "Thay đổi tên"), "hòa giải viên thương mại vụ việc"),
            ),
        ),
        Field(
            "QTV",
            "Quản tài viên",
            (
                _g(
                    ("Đăng ký hành nghề",),
                    "quản tài viên",
                    "doanh nghiệp quản lý, thanh lý tài sản",
                ),
            ),
        ),
    ),
    "SLDTBXH": (
        Field(
            "VL",
            "Việc làm",
            (
                _g(
                    ("Cấp", "Cấp lại", "Gia hạn", "Thu hồi"),
                    "giấy phép lao động cho người lao động nước ngoài",
                    "giấy phép hoạt động dịch vụ việc làm",
                    "giấy phép hoạt động cho thuê lại lao động",
                ),
                _g(
                    ("Xác nhận",),
                    "người lao động nước ngoài không thuộc diện cấp giấy phép lao động",
                ),
                _g(("Giải quyết", "Tạm dừng", "Chấm dứt"), "hưởng trợ cấp thất nghiệp"),
            ),
        ),
        Field(
            "NCC",
            "Người có công",
            (
                _g(
                    ("Giải quyết",),
                    "chế độ trợ cấp một lần đối với người được cử làm chuyên gia sang giúp Lào, Campuchia",
                    "chế độ ưu đãi đối với thương binh",
                    "chế độ ưu đãi đối với bệnh binh",
                    "chế độ ưu đãi đối với người hoạt động kháng chiến bị nhiễm chất độc hóa học",
                    "chế độ mai táng phí đối với người có công",
                    "chế độ điều dưỡng phục hồi sức khỏe",
                    "chế độ hỗ trợ cải thiện nhà ở cho người có công",
                    "chế độ trợ cấp thờ cúng liệt sĩ",
                    "chế độ ưu đãi giáo dục đối với con của người có công",
                    variants=(
                        "",
                        "khi thay đổi nơi thường trú",
                    ),
                ),
                _g(
                    ("Công nhận",),
                    "liệt sĩ",
                    "thương binh",
                    "người hoạt động cách mạng",
                    "người hoạt động kháng chiến giải phóng dân tộc",
                ),
                _g(
                    ("Cấp", "Cấp lại", "Cấp đổi"),
                    "bằng Tổ quốc ghi công",
                    "giấy chứng nhận thương binh",
                    "giấy chứng nhận gia đình liệt sĩ",
                ),
                _g(("Di chuyển",), "hồ sơ người có công với cách mạng"),
            ),
        ),
        Field(
            "GDNN",
            "Giáo dục nghề nghiệp",
            (
                _g(
                    CERTIFICATE,
                    "giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp",
                    "giấy chứng nhận đăng ký hoạt động liên kết đào tạo với nước ngoài",
                ),
                _g(
                    ("Thành lập", "Sáp nhập, chia, tách", "Giải thể"),
                    "trường trung cấp công lập",
                    "trung tâm giáo dục nghề nghiệp",
                    "trường trung cấp tư thục",
                ),
            ),
        ),
        Field(
            "LDNN",
            "Quản lý lao động ngoài nước",
            (
                _g(
                    ("Đăng ký", "Thanh lý"),
                    "hợp đồng nhận lao động thực tập",
                    "hợp đồng đưa người lao động đi làm việc ở nước ngoài",
                ),
            ),
        ),
        Field(
            "ATLD",
            "An toàn, vệ sinh lao động",
            (
                _g(
                    ISSUE_RENEW,
                    "giấy chứng nhận đủ điều kiện hoạt động huấn luyện an toàn, vệ sinh lao động",
                    "giấy chứng nhận đủ điều kiện hoạt động kiểm định kỹ thuật an toàn lao động",
                ),
                _g(("Khai báo",), "thiết bị có yêu cầu nghiêm ngặt về an toàn lao động"),
            ),
        ),
        Field(
            "BTXH",
            "Bảo trợ xã hội",
            (
                _g(
                    ("Thành lập", "Giải thể", "Cấp giấy phép hoạt động cho"),
                    "cơ sở trợ giúp xã hội công lập",
                    "cơ sở trợ giúp xã hội ngoài công lập",
                ),
                _g(
                    ("Tiếp nhận",),
                    "đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn vào cơ sở trợ giúp xã hội",
                    "đối tượng cần bảo vệ khẩn cấp vào cơ sở trợ giúp xã hội",
                ),
            ),
        ),
        Field(
            "TE",
            "Trẻ em",
            (
                _g(
                    ("Áp dụng", "Chấm dứt"),
                    "biện pháp can thiệp khẩn cấp hoặc tạm thời cách ly trẻ em khỏi môi trường gây tổn hại",
                ),
            ),
        ),
        Field(
            "PCTNXH",
            "Phòng, chống tệ nạn xã hội",
            (_g(ISSUE_AMEND, "giấy phép thành lập cơ sở cai nghiện ma túy tự nguyện"),),
        ),
        Field(
            "LDTL",
            "Lao động, tiền lương",
            (
                _g(
                    ("Đăng ký", "Đăng ký sửa đổi"),
                    "nội quy lao động",
                    "hợp đồng cung ứng lao động đi làm việc ở nước ngoài",
                ),
                _g(
                    ("Xếp hạng", "Xếp hạng lại"),
                    "công ty trách nhiệm hữu hạn một thành viên do Ủy ban nhân dân thành phố làm chủ sở hữu",
                ),
            ),
        ),
    ),
    "SVHTTDL": (
        Field(
            "VH",
            "Văn hóa",
            (
                _g(
                    ("Cấp", "Cấp lại", "Điều chỉnh"),
                    "giấy phép tổ chức biểu diễn nghệ thuật",
                    "giấy phép tổ chức lễ hội",
                    "giấy phép phổ biến phim",
                    "giấy phép kinh doanh karaoke",
                    "giấy phép kinh doanh dịch vụ vũ trường",
                    "giấy phép triển lãm mỹ thuật",
                    "giấy phép xây dựng tượng đài, tranh hoành tráng",
                ),
                _g(
                    ("Thông báo",),
                    "tổ chức biểu diễn nghệ thuật",
                    "tổ chức lễ hội",
                    "sản phẩm quảng cáo trên bảng quảng cáo, băng-rôn",
                ),
            ),
        ),
        Field(
            "NTBD",
            "Nghệ thuật biểu diễn, điện ảnh, mỹ thuật",
            (
                _g(
                    ("Cấp",),
                    "giấy phép tổ chức biểu diễn nghệ thuật",
                    "giấy phép tổ chức lễ hội",
                    "giấy phép triển lãm mỹ thuật",
                    "giấy phép phổ biến phim",
                    variants=("có yếu tố nước ngoài",),
                ),
            ),
        ),
        Field(
            "DSVH",
            "Di sản văn hóa",
            (
                _g(
                    ISSUE,
                    "chứng chỉ hành nghề tu bổ di tích",
                    "giấy chứng nhận đủ điều kiện kinh doanh giám định cổ vật",
                    "giấy phép làm bản sao di vật, cổ vật",
                    "giấy phép khai quật khẩn cấp",
                ),
                _g(("Xếp hạng",), "di tích cấp thành phố"),
                _g(("Đăng ký",), "di vật, cổ vật, bảo vật quốc gia"),
            ),
        ),
        Field(
            "TDTT",
            "Thể dục, thể thao",
            (
                _g(
                    ("Cấp", "Cấp lại", "Điều chỉnh"),
                    "giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao",
                    variants=(
                        "",
                        "đối với môn bơi, lặn",
                        "đối với môn võ cổ truyền",
                        "đối với môn bóng đá",
                        "đối với môn quần vợt",
                        "đối với môn yoga",
                        "đối với môn thể dục thẩm mỹ",
                        "đối với môn khiêu vũ thể thao",
                        "đối với môn billiards & snooker",
                        "đối với môn taekwondo",
                        "đối với môn karate",
                    ),
                ),
                _g(
                    ("Công nhận",),
                    "câu lạc bộ thể thao chuyên nghiệp",
                    "ban vận động thành lập hội thể thao",
                ),
                _g(
                    ("Đăng ký tổ chức",),
                    "giải thi đấu thể thao quần chúng cấp thành phố",
                    "giải thi đấu thể thao thành tích cao",
                ),
            ),
        ),
        Field(
            "DL",
            "Du lịch",
            (
                _g(
                    ("Cấp", "Cấp lại", "Cấp đổi", "Thu hồi"),
                    "giấy phép kinh doanh dịch vụ lữ hành nội địa",
                    "giấy phép kinh doanh dịch vụ lữ hành quốc tế",
                    "thẻ hướng dẫn viên du lịch nội địa",
                    "thẻ hướng dẫn viên du lịch quốc tế",
                    "thẻ hướng dẫn viên du lịch tại điểm",
                ),
                _g(
                    ("Công nhận", "Công nhận lại", "Thu hồi quyết định công nhận"),
                    "hạng cơ sở lưu trú du lịch 1 sao, 2 sao",
                    "điểm du lịch",
                    "khu du lịch cấp thành phố",
                ),
            ),
        ),
        Field(
            "GD",
            "Gia đình",
            (
                _g(
                    ("Cấp", "Cấp lại", "Đổi"),
                    "giấy chứng nhận đăng ký hoạt động cơ sở trợ giúp nạn nhân bạo lực gia đình",
                    "giấy chứng nhận đăng ký hoạt động cơ sở tư vấn về phòng, chống bạo lực gia đình",
                ),
            ),
        ),
        Field(
            "TV",
            "Thư viện",
            (
                _g(
                    ("Thông báo",),
                    "thành lập thư viện",
                    "sáp nhập, hợp nhất, chia, tách thư viện",
                    "chấm dứt hoạt động thư viện",
                ),
            ),
        ),
        Field(
            "QC",
            "Quảng cáo",
            (
                _g(
                    ("Cấp", "Cấp sửa đổi, bổ sung", "Cấp lại"),
                    "giấy phép thành lập văn phòng đại diện của doanh nghiệp quảng cáo nước ngoài",
                ),
            ),
        ),
    ),
    "SKHDT": (
        Field(
            "TLDN",
            "Thành lập và hoạt động doanh nghiệp",
            (
                _g(
                    (
                        "Đăng ký thành lập",
                        "Đăng ký thay đổi nội dung đăng ký",
                        "Giải thể",
                        "Tạm ngừng kinh doanh",
                        "Tiếp tục kinh doanh trước thời hạn đã thông báo",
                    ),
                    "doanh nghiệp tư nhân",
                    "công ty trách nhiệm hữu hạn một thành viên",
                    "công ty trách nhiệm hữu hạn hai thành viên trở lên",
                    "công ty cổ phần",
                    "công ty hợp danh",
                    variants=("", "có vốn đầu tư nước ngoài"),
                ),
                _g(
                    ("Đăng ký hoạt động", "Chấm dứt hoạt động"),
                    "chi nhánh, văn phòng đại diện, địa điểm kinh doanh",
                ),
                _g(("Cấp lại", "Hiệu đính thông tin"), "giấy chứng nhận đăng ký doanh nghiệp"),
                _g(
                    ("Chuyển đổi",),
                    "doanh nghiệp tư nhân thành công ty trách nhiệm hữu hạn",
                    "công ty trách nhiệm hữu hạn thành công ty cổ phần",
                    "hộ kinh doanh thành doanh nghiệp",
                ),
            ),
        ),
        Field(
            "DTVN",
            "Đầu tư tại Việt Nam",
            (
                _g(
                    ("Cấp", "Điều chỉnh", "Cấp lại", "Thu hồi"),
                    "giấy chứng nhận đăng ký đầu tư",
                    "giấy chứng nhận đăng ký đầu tư cho dự án có vốn đầu tư nước ngoài",
                ),
                _g(
                    ("Chấp thuận", "Điều chỉnh"),
                    "chủ trương đầu tư của Ủy ban nhân dân thành phố",
                    "nhà đầu tư thực hiện dự án",
                ),
                _g(
                    ("Đăng ký",),
                    "góp vốn, mua cổ phần của nhà đầu tư nước ngoài",
                    "thành lập văn phòng điều hành của nhà đầu tư nước ngoài trong hợp đồng BCC",
                ),
                _g(("Giãn tiến độ", "Ngừng hoạt động", "Chấm dứt hoạt động"), "dự án đầu tư"),
            ),
        ),
        Field(
            "HTX",
            "Thành lập và hoạt động của hợp tác xã",
            (
                _g(
                    (
                        "Đăng ký thành lập",
                        "Đăng ký thay đổi",
                        "Giải thể tự nguyện",
                        "Tạm ngừng hoạt động",
                    ),
                    "liên hiệp hợp tác xã",
                    "hợp tác xã",
                ),
            ),
        ),
        Field(
            "DT",
            "Đấu thầu, lựa chọn nhà đầu tư",
            (
                _g(
                    ("Thẩm định", "Phê duyệt"),
                    "kế hoạch lựa chọn nhà đầu tư",
                    "kết quả lựa chọn nhà đầu tư",
                    "hồ sơ mời thầu dự án đầu tư có sử dụng đất",
                ),
            ),
        ),
        Field(
            "ODA",
            "Vốn hỗ trợ phát triển chính thức",
            (
                _g(
                    ("Thẩm định", "Phê duyệt"),
                    "văn kiện dự án sử dụng vốn ODA, vốn vay ưu đãi",
                    "đề xuất dự án sử dụng vốn viện trợ không hoàn lại",
                ),
                _g(("Tiếp nhận",), "khoản viện trợ phi dự án"),
            ),
        ),
        Field(
            "PPP",
            "Đầu tư theo phương thức đối tác công tư",
            (
                _g(
                    ("Thẩm định", "Phê duyệt", "Điều chỉnh"),
                    "báo cáo nghiên cứu tiền khả thi dự án PPP",
                    "báo cáo nghiên cứu khả thi dự án PPP",
                ),
            ),
        ),
    ),
    "SGDDT": (
        Field(
            "GDDT",
            "Giáo dục và Đào tạo thuộc hệ thống giáo dục quốc dân",
            (
                _g(
                    (
                        "Thành lập",
                        "Cho phép hoạt động giáo dục",
                        "Sáp nhập, chia, tách",
                        "Giải thể",
                        "Cho phép hoạt động giáo dục trở lại",
                    ),
                    "trường trung học phổ thông",
                    "trường phổ thông có nhiều cấp học",
                    "trung tâm ngoại ngữ, tin học",
                    "trung tâm giáo dục thường xuyên",
                    "trường trung học phổ thông chuyên",
                    "trường năng khiếu thể dục thể thao",
                    variants=("", "tư thục", "có vốn đầu tư nước ngoài"),
                ),
                _g(
                    ("Cấp", "Cấp lại", "Chỉnh sửa nội dung"),
                    "bản sao văn bằng, chứng chỉ từ sổ gốc",
                    "bằng tốt nghiệp trung học phổ thông",
                    "giấy chứng nhận hoàn thành chương trình giáo dục phổ thông",
                ),
                _g(
                    ("Công nhận", "Công nhận lại"),
                    "trường trung học phổ thông đạt chuẩn quốc gia",
                    "trường đạt kiểm định chất lượng giáo dục",
                ),
                _g(
                    ("Cấp phép", "Gia hạn"),
                    "hoạt động dạy thêm, học thêm",
                    "liên kết giáo dục với nước ngoài",
                ),
                _g(
                    ("Chuyển trường",),
                    "đối với học sinh trung học phổ thông",
                    "đối với học sinh từ nước ngoài về",
                ),
                _g(
                    ("Xét", "Phúc khảo"),
                    "tuyển sinh vào lớp 10",
                    "bài thi tốt nghiệp trung học phổ thông",
                ),
                _g(
                    ("Đăng ký",),
                    "dự thi tốt nghiệp trung học phổ thông",
                    "hoạt động giáo dục kỹ năng sống",
                ),
            ),
        ),
    ),
    "SNV": (
        Field(
            "TCBM",
            "Tổ chức bộ máy",
            (
                _g(
                    ("Thẩm định", "Phê duyệt"),
                    "đề án vị trí việc làm",
                    "điều chỉnh vị trí việc làm",
                ),
                _g(("Thành lập", "Tổ chức lại", "Giải thể"), "đơn vị sự nghiệp công lập"),
            ),
        ),
        Field(
            "TCPCP",
            "Tổ chức phi chính phủ",
            (
                _g(
                    (
                        "Thành lập",
                        "Phê duyệt điều lệ",
                        "Đổi tên",
                        "Chia, tách; sáp nhập; hợp nhất",
                        "Tự giải thể",
                    ),
                    "hội",
                    "quỹ xã hội, quỹ từ thiện",
                ),
                _g(
                    ("Công nhận", "Công nhận thay đổi"),
                    "ban vận động thành lập hội",
                    "quỹ đủ điều kiện hoạt động",
                ),
            ),
        ),
        Field(
            "TGCP",
            "Tôn giáo Chính phủ",
            (
                _g(
                    ("Đăng ký", "Chấp thuận"),
                    "hoạt động tín ngưỡng",
                    "sinh hoạt tôn giáo tập trung",
                    "thuyên chuyển chức sắc, chức việc, nhà tu hành",
                    "tổ chức cuộc lễ ngoài cơ sở tôn giáo",
                    "sửa đổi hiến chương của tổ chức tôn giáo",
                ),
                _g(
                    ("Thông báo",),
                    "người được phong phẩm hoặc suy cử làm chức sắc",
                    "danh mục hoạt động tôn giáo",
                ),
            ),
        ),
        Field(
            "TDKT",
            "Thi đua, khen thưởng",
            (
                _g(
                    ("Tặng",),
                    "Bằng khen của Chủ tịch Ủy ban nhân dân thành phố",
                    "danh hiệu Chiến sĩ thi đua cấp thành phố",
                    "Cờ thi đua của Ủy ban nhân dân thành phố",
                    "danh hiệu Tập thể lao động xuất sắc",
                    "Bằng khen theo đợt, chuyên đề",
                ),
            ),
        ),
        Field(
            "VTLT",
            "Văn thư, lưu trữ",
            (
                _g(ISSUE, "chứng chỉ hành nghề lưu trữ"),
                _g(("Phục vụ",), "việc sử dụng tài liệu của độc giả tại phòng đọc"),
            ),
        ),
        Field(
            "CCVC",
            "Công chức, viên chức",
            (
                _g(
                    ("Thi tuyển", "Xét tuyển", "Xét nâng hạng", "Tiếp nhận vào làm"),
                    "công chức",
                    "viên chức",
                ),
            ),
        ),
    ),
    "STC": (
        Field(
            "TCHCSN",
            "Tài chính hành chính sự nghiệp",
            (
                _g(
                    ("Thẩm định", "Phê duyệt"),
                    "phương án tự chủ tài chính của đơn vị sự nghiệp công lập",
                    "dự toán mua sắm tài sản",
                    "đề án sử dụng tài sản công vào mục đích kinh doanh, cho thuê, liên doanh, liên kết",
                ),
            ),
        ),
        Field(
            "QLCS",
            "Quản lý công sản",
            (
                _g(
                    ("Quyết định",),
                    "mua sắm tài sản công",
                    "thanh lý tài sản công",
                    "điều chuyển tài sản công",
                    "bán tài sản công",
                    "xử lý tài sản công trong trường hợp bị mất, bị hủy hoại",
                ),
            ),
        ),
        Field(
            "TCDN",
            "Tài chính doanh nghiệp",
            (
                _g(
                    ("Thẩm định", "Phê duyệt"),
                    "phương án cổ phần hóa doanh nghiệp nhà nước",
                    "quyết toán vốn đầu tư dự án hoàn thành",
                    "giá đất cụ thể",
                ),
            ),
        ),
        Field(
            "QLG",
            "Quản lý giá",
            (
                _g(
                    ("Đăng ký", "Kê khai"),
                    "giá hàng hóa, dịch vụ",
                    "giá sữa dành cho trẻ em dưới 6 tuổi",
                ),
                _g(("Hiệp thương",), "giá hàng hóa, dịch vụ"),
            ),
        ),
        Field(
            "QLNS",
            "Quản lý ngân sách nhà nước",
            (
                _g(("Cấp", "Cấp đổi"), "mã số đơn vị có quan hệ với ngân sách"),
                _g(("Thẩm tra",), "quyết toán dự án hoàn thành"),
            ),
        ),
    ),
    "STTTT": (
        Field(
            "BC",
            "Bưu chính",
            (
                _g(
                    ISSUE_AMEND,
                    "giấy phép bưu chính",
                    "văn bản xác nhận thông báo hoạt động bưu chính",
                ),
            ),
        ),
        Field(
            "BCHI",
            "Báo chí",
            (
                _g(
                    ISSUE_AMEND,
                    "giấy phép xuất bản bản tin",
                    "giấy phép thiết lập trang thông tin điện tử tổng hợp",
                    "giấy phép trưng bày tranh, ảnh và các hình thức thông tin khác bên ngoài trụ sở",
                ),
                _g(("Cho phép",), "họp báo trong nước"),
            ),
        ),
        Field(
            "XB",
            "Xuất bản, in và phát hành",
            (
                _g(
                    ("Cấp", "Cấp lại", "Đổi"),
                    "giấy phép hoạt động in",
                    "giấy phép xuất bản tài liệu không kinh doanh",
                    "giấy phép nhập khẩu xuất bản phẩm không kinh doanh",
                ),
                _g(
                    ("Đăng ký", "Thay đổi thông tin đăng ký"),
                    "hoạt động cơ sở in",
                    "hoạt động phát hành xuất bản phẩm",
                ),
            ),
        ),
        Field(
            "VT",
            "Viễn thông và Internet",
            (
                _g(
                    ISSUE_AMEND,
                    "giấy phép cung cấp dịch vụ viễn thông không có hạ tầng mạng",
                    "giấy phép thiết lập mạng viễn thông dùng riêng",
                ),
                _g(ISSUE, "giấy chứng nhận sản phẩm công nghệ thông tin trọng điểm"),
            ),
        ),
        Field(
            "PTTH",
            "Phát thanh, truyền hình và thông tin điện tử",
            (
                _g(
                    ("Cấp", "Sửa đổi, bổ sung", "Gia hạn"),
                    "giấy chứng nhận đăng ký cung cấp trò chơi điện tử G1",
                    "giấy chứng nhận đủ điều kiện hoạt động điểm cung cấp dịch vụ trò chơi điện tử công cộng",
                ),
                _g(
                    ("Cấp", "Sửa đổi, bổ sung"),
                    "giấy chứng nhận đăng ký thu tín hiệu truyền hình nước ngoài trực tiếp từ vệ tinh",
                ),
            ),
        ),
    ),
    "SKHCN": (
        Field(
            "HDKHCN",
            "Hoạt động khoa học và công nghệ",
            (
                _g(
                    ("Cấp", "Cấp lại", "Thay đổi, bổ sung"),
                    "giấy chứng nhận đăng ký hoạt động của tổ chức khoa học và công nghệ",
                    "giấy chứng nhận doanh nghiệp khoa học và công nghệ",
                    "giấy chứng nhận đăng ký hoạt động văn phòng đại diện của tổ chức khoa học và công nghệ",
                ),
                _g(
                    ("Đăng ký",),
                    "kết quả thực hiện nhiệm vụ khoa học và công nghệ",
                    "hợp đồng chuyển giao công nghệ",
                    "gia hạn, sửa đổi, bổ sung nội dung chuyển giao công nghệ",
                ),
            ),
        ),
        Field(
            "TDC",
            "Tiêu chuẩn, đo lường, chất lượng",
            (
                _g(
                    ("Chỉ định", "Thay đổi, bổ sung phạm vi chỉ định"),
                    "tổ chức đánh giá sự phù hợp hoạt động thử nghiệm",
                    "tổ chức kiểm định, hiệu chuẩn, thử nghiệm phương tiện đo",
                ),
                _g(("Đăng ký", "Tiếp nhận"), "công bố hợp chuẩn", "công bố hợp quy"),
                _g(
                    ("Kiểm tra nhà nước về",),
                    "chất lượng hàng hóa nhập khẩu",
                    "đo lường đối với hàng đóng gói sẵn",
                ),
            ),
        ),
        Field(
            "CGCN",
            "Chuyển giao công nghệ",
            (
                _g(
                    ("Cấp", "Cấp lại", "Thu hồi"),
                    "giấy chứng nhận đăng ký chuyển giao công nghệ",
                    "giấy chứng nhận tổ chức trung gian thị trường khoa học và công nghệ",
                ),
            ),
        ),
        Field(
            "ATBX",
            "An toàn bức xạ và hạt nhân",
            (
                _g(
                    ("Cấp", "Gia hạn", "Sửa đổi, bổ sung"),
                    "giấy phép tiến hành công việc bức xạ sử dụng thiết bị X-quang chẩn đoán trong y tế",
                    "chứng chỉ nhân viên bức xạ",
                ),
            ),
        ),
        Field(
            "SHTT",
            "Sở hữu trí tuệ",
            (
                _g(("Hỗ trợ",), "đăng ký bảo hộ quyền sở hữu công nghiệp"),
                _g(ISSUE, "giấy chứng nhận tổ chức giám định sở hữu công nghiệp"),
            ),
        ),
    ),
    "SNGV": (
        Field(
            "HNHT",
            "Hội nghị, hội thảo quốc tế",
            (
                _g(
                    ("Cho phép tổ chức",),
                    "hội nghị, hội thảo quốc tế",
                    "hội nghị, hội thảo quốc tế theo hình thức trực tuyến",
                ),
            ),
        ),
        Field(
            "LSNV",
            "Lãnh sự, xuất nhập cảnh",
            (
                _g(
                    ("Cho phép",),
                    "sử dụng thẻ đi lại của doanh nhân APEC",
                    "cán bộ, công chức xuất cảnh đi nước ngoài việc riêng",
                ),
                _g(("Xác nhận",), "hồ sơ đề nghị cấp thị thực cho khách mời của thành phố"),
            ),
        ),
        Field(
            "PCPNN",
            "Viện trợ phi chính phủ nước ngoài",
            (
                _g(
                    ("Tiếp nhận",),
                    "hồ sơ đề nghị tài trợ của tổ chức phi chính phủ nước ngoài",
                    "đăng ký hoạt động của tổ chức phi chính phủ nước ngoài",
                ),
                _g(
                    ("Thẩm định",),
                    "dự án viện trợ phi chính phủ nước ngoài",
                    "khoản viện trợ phi dự án của tổ chức phi chính phủ nước ngoài",
                ),
            ),
        ),
    ),
    "BQLKCN": (
        Field(
            "DTKCN",
            "Đầu tư trong khu công nghiệp, khu chế xuất",
            (
                _g(
                    ("Cấp", "Điều chỉnh", "Cấp lại", "Thu hồi"),
                    "giấy chứng nhận đăng ký đầu tư dự án trong khu công nghiệp",
                    "giấy chứng nhận đăng ký đầu tư dự án có vốn nước ngoài trong khu chế xuất",
                ),
                _g(("Chấp thuận", "Điều chỉnh"), "chủ trương đầu tư dự án trong khu công nghiệp"),
            ),
        ),
        Field(
            "LDKCN",
            "Lao động trong khu công nghiệp",
            (
                _g(
                    ISSUE_RENEW,
                    "giấy phép lao động cho người nước ngoài làm việc trong khu công nghiệp",
                ),
                _g(
                    ("Đăng ký",),
                    "nội quy lao động của doanh nghiệp trong khu công nghiệp",
                    "thang lương, bảng lương của doanh nghiệp trong khu công nghiệp",
                ),
            ),
        ),
        Field(
            "TMKCN",
            "Thương mại trong khu công nghiệp",
            (
                _g(
                    ("Cấp", "Cấp lại", "Điều chỉnh"),
                    "giấy phép kinh doanh hoạt động mua bán hàng hóa trong khu chế xuất",
                    "giấy phép lập cơ sở bán lẻ trong khu công nghiệp",
                ),
                _g(("Xác nhận",), "hợp đồng bán hàng hóa cho doanh nghiệp chế xuất"),
            ),
        ),
        Field(
            "XDKCN",
            "Xây dựng trong khu công nghiệp",
            (
                _g(
                    ("Cấp", "Điều chỉnh", "Gia hạn"),
                    "giấy phép xây dựng công trình trong khu công nghiệp",
                ),
                _g(
                    ("Thẩm định",),
                    "báo cáo nghiên cứu khả thi dự án trong khu công nghiệp",
                    "thiết kế cơ sở dự án trong khu công nghiệp",
                ),
            ),
        ),
        Field(
            "MTKCN",
            "Môi trường trong khu công nghiệp",
            (
                _g(
                    ("Xác nhận", "Đăng ký"),
                    "kế hoạch bảo vệ môi trường cho dự án trong khu công nghiệp",
                ),
            ),
        ),
    ),
    "TTTP": (
        Field(
            "KNTC",
            "Giải quyết khiếu nại, tố cáo",
            (_g(("Giải quyết",), "khiếu nại lần đầu", "khiếu nại lần hai", "tố cáo"),),
        ),
        Field(
            "TCD", "Tiếp công dân", (_g(("Tiếp",), "công dân tại Trụ sở tiếp công dân thành phố"),)
        ),
        Field(
            "PCTN",
            "Phòng, chống tham nhũng",
            (
                _g(("Xác minh",), "tài sản, thu nhập"),
                _g(("Tiếp nhận, xử lý",), "phản ánh, kiến nghị về hành vi tham nhũng"),
            ),
        ),
    ),
    "BDT": (
        Field(
            "CTDT",
            "Công tác dân tộc",
            (
                _g(
                    ("Công nhận", "Đưa ra khỏi danh sách"),
                    "người có uy tín trong đồng bào dân tộc thiểu số",
                ),
                _g(
                    ("Hỗ trợ",),
                    "học sinh dân tộc thiểu số học trung học phổ thông",
                    "đồng bào dân tộc thiểu số phát triển sản xuất",
                ),
            ),
        ),
    ),
    "VPUBND": (
        Field(
            "TCTT",
            "Tiếp cận thông tin",
            (_g(("Tiếp nhận, giải quyết",), "yêu cầu cung cấp thông tin của công dân"),),
        ),
        Field(
            "APEC",
            "Thẻ đi lại của doanh nhân APEC",
            (_g(("Cho phép sử dụng", "Cho phép sử dụng lại"), "thẻ đi lại của doanh nhân APEC"),),
        ),
        Field(
            "KSTT",
            "Kiểm soát thủ tục hành chính",
            (_g(("Tiếp nhận, xử lý",), "phản ánh, kiến nghị về quy định hành chính"),),
        ),
    ),
}
