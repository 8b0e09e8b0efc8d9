"""Vietnamese demo items: Ho Chi Minh City, Hanoi, Da Nang. Synthetic, CC0."""
from common import Lang

L = Lang("vi", {
    "Sài Gòn Nay": "saigon-nay",
    "Thủ Đô Mới": "thudo-moi",
    "Đà Nẵng 24h": "danang24h",
    "Sức Khỏe Việt": "suckhoe-viet",
    "VnTin": "vntin",
})
N, A, S = L.N, L.A, L.syndicated
HOT = "Đường dây nóng Sở Y tế"
PAKN = "Cổng phản ánh kiến nghị"
MAIL = "Email"

# --- Syndicated group: Bach Mai patients buying their own supplies ---------------------------
b = N(31, "hanoi", "Thủ Đô Mới", "y-te/bach-mai-thieu-vat-tu",
      "Bệnh nhân Bệnh viện Bạch Mai phải tự mua vật tư y tế",
      """Nhiều bệnh nhân điều trị tại Bệnh viện Bạch Mai (Hà Nội) phản ánh phải tự ra ngoài mua ống
      thông, kim luồn và cả thuốc cản quang vì bệnh viện hết hàng. Một người nhà bệnh nhân cho biết
      chi phí tự mua lên tới gần 3 triệu đồng mỗi lần chụp. Lãnh đạo bệnh viện thừa nhận tình trạng
      thiếu vật tư do vướng thủ tục đấu thầu và cam kết sẽ hoàn tiền cho người bệnh có hóa đơn hợp lệ.""")
S(b, 30, "VnTin", "suc-khoe/bach-mai-tu-mua-vat-tu",
  "Hà Nội: Người bệnh tự mua vật tư vì bệnh viện hết hàng",
  lead="Theo báo Thủ Đô Mới,", drop_last=True)
S(b, 30, "Sức Khỏe Việt", "thoi-su/bach-mai-dau-thau",
  "Vướng đấu thầu, Bạch Mai thiếu vật tư tiêu hao",
  lead="Tình trạng thiếu vật tư tại các bệnh viện tuyến cuối tiếp tục được phản ánh.")
A(29, "hanoi", "text_appeal", PAKN,
  """Bố em nằm khoa tim mạch Bạch Mai, bác sĩ bảo ra ngoài mua stent với thuốc, hết gần 40 triệu,
  bảo hiểm không thanh toán được vì mua ngoài. Nhà em ở quê lên, không biết xoay sở thế nào. Mong
  Sở Y tế xem xét.""")

# --- Mini-spike: dengue in HCMC, days 19-23 ---------------------------------------------------
d = N(23, "hcmc", "Sài Gòn Nay", "suc-khoe/sot-xuat-huyet-tang",
      "TP.HCM: Sốt xuất huyết tăng mạnh, Bệnh viện Nhi Đồng 1 quá tải",
      """Số ca sốt xuất huyết tại TP.HCM trong tuần qua tăng gần 40% so với tuần trước, tập trung
      ở các quận ven như Bình Tân, Bình Chánh và TP. Thủ Đức. Bệnh viện Nhi Đồng 1 đang điều trị
      nội trú hơn 200 trẻ mắc sốt xuất huyết, nhiều trẻ phải nằm ghép hai, ba cháu một giường. Sở Y tế
      khuyến cáo người dân diệt lăng quăng, đưa trẻ đi khám ngay khi sốt cao liên tục.""")
S(d, 22, "VnTin", "suc-khoe/sai-gon-sot-xuat-huyet",
  "Sài Gòn: trẻ mắc sốt xuất huyết nằm ghép ở Nhi Đồng 1", lead="Theo Sài Gòn Nay,", drop_last=True)
N(21, "hcmc", "Sức Khỏe Việt", "thoi-su/sxh-tu-vong",
  "Một bé trai tử vong do sốc sốt xuất huyết ở TP. Hồ Chí Minh",
  """Một bé trai 7 tuổi ở quận Bình Tân, TP. Hồ Chí Minh đã tử vong sau ba ngày điều trị vì sốc
  sốt xuất huyết nặng. Theo gia đình, bé được đưa đến phòng khám tư hai lần nhưng chỉ được kê
  thuốc hạ sốt. Bệnh viện Nhi Đồng 1 cho biết bé nhập viện trong tình trạng nguy kịch.""")
A(22, "hcmc", "text_appeal", PAKN,
  """con toi 5 tuoi sot 3 ngay, dua vao Nhi Dong 1 cho tu 7h sang den 1h chieu moi duoc kham,
  phong cho dong nghet. khu pho toi o Binh Tan co 4 chau bi sot xuat huyet ma chua thay ai den
  phun thuoc muoi.""")
A(20, "hcmc", "hotline", HOT,
  """Người dân phường Bình Hưng Hòa (TP.HCM) gọi phản ánh khu dân cư có nhiều ca sốt xuất huyết
  nhưng chưa được phun hóa chất diệt muỗi. Đã chuyển Trung tâm Kiểm soát bệnh tật thành phố.""")
A(19, "hcmc", "text_appeal", PAKN,
  """Cảm ơn các bác sĩ, điều dưỡng khoa Sốt xuất huyết Bệnh viện Nhi Đồng 1 đã cứu con tôi qua
  cơn sốc. Các bạn làm việc rất vất vả mà vẫn nhẹ nhàng với bệnh nhi.""")

# --- HCMC ---------------------------------------------------------------------------------------
N(57, "hcmc", "Sài Gòn Nay", "suc-khoe/tong-dai-dich-vu-cong",
  "Tổng đài giải đáp dịch vụ công ngành y tế TP.HCM nhận gần 2.000 cuộc gọi",
  """Sau hơn một tháng vận hành, tổng đài giải đáp thắc mắc về dịch vụ công trực tuyến của Sở Y tế
  TP.HCM đã tiếp nhận gần 2.000 cuộc gọi, trong đó hơn 1.000 cuộc gọi đến bộ phận tiếp nhận hồ sơ.
  Người dân đánh giá các chuyên viên giải đáp nhiệt tình, thân thiện.""")
N(47, "hcmc", "Sức Khỏe Việt", "thoi-su/cho-ray-cap-cuu-qua-tai",
  "Khoa Cấp cứu Bệnh viện Chợ Rẫy quá tải, bệnh nhân nằm hành lang",
  """Những ngày gần đây, Khoa Cấp cứu Bệnh viện Chợ Rẫy tiếp nhận hơn 600 lượt bệnh nhân mỗi ngày,
  nhiều người phải nằm băng ca ngoài hành lang. Bệnh viện cho biết phần lớn là bệnh nhân chuyển từ
  các tỉnh miền Tây và Tây Nguyên.""")
A(46, "hcmc", "text_appeal", PAKN,
  """Mẹ tôi bị tai biến, chuyển từ Long An lên Chợ Rẫy, nằm hành lang cấp cứu 2 ngày rồi chưa có
  giường. Nhân viên bảo vệ còn quát người nhà. Xin Sở Y tế cho kiểm tra.""")
N(38, "hcmc", "VnTin", "suc-khoe/cho-ray-ghep-tim",
  "Bệnh viện Chợ Rẫy ghép tim thành công cho bệnh nhân 19 tuổi",
  """Các bác sĩ Bệnh viện Chợ Rẫy vừa ghép tim thành công cho một nam thanh niên 19 tuổi bị suy tim
  giai đoạn cuối, từ nguồn tạng hiến của một người chết não. Sau hai tuần, bệnh nhân đã tự đi lại
  và ăn uống bình thường.""")
A(36, "hcmc", "email", MAIL,
  """Kính gửi Sở Y tế TP.HCM, tôi nộp hồ sơ cấp chứng chỉ hành nghề trên cổng dịch vụ công đã 45
  ngày nhưng trạng thái vẫn "đang xử lý", gọi tổng đài thì được hẹn tuần sau. Mong Sở kiểm tra.""")
N(12, "hcmc", "Sài Gòn Nay", "suc-khoe/bhyt-tu-choi",
  "Bệnh viện từ chối thanh toán BHYT vì lỗi phần mềm",
  """Nhiều người bệnh tại một bệnh viện quận ở TP.HCM phải tự trả tiền khám vì hệ thống giám định
  bảo hiểm y tế bị lỗi, không tra cứu được thẻ. Bảo hiểm xã hội thành phố hướng dẫn người bệnh giữ
  hóa đơn để được hoàn trả.""")
A(11, "hcmc", "hotline", HOT,
  """Người dân quận Gò Vấp phản ánh bị thu tiền khám dù có thẻ BHYT đúng tuyến, lý do hệ thống lỗi.
  Đã hướng dẫn giữ hóa đơn và chuyển thông tin cho bệnh viện.""")
A(4, "hcmc", "text_appeal", PAKN,
  """sai gon: benh vien Cho Ray bat cho lay so tu 4h sang, 11h moi toi luot, bac si kham co 3 phut.
  nguoi gia nhu ba toi ngoi cho met lu. de nghi cho dat lich kham online.""")
N(6, None, "VnTin", "the-thao/tuyen-viet-nam",
  "Tuyển Việt Nam thắng Thái Lan 2-1 trên sân Mỹ Đình",
  """Đội tuyển Việt Nam đã giành chiến thắng 2-1 trước Thái Lan trong trận giao hữu trên sân Mỹ Đình.
  Bàn thắng quyết định được ghi ở phút 88 sau pha phối hợp bên cánh phải.""", section="the-thao")
N(1, None, "Sài Gòn Nay", "giao-thong/ket-xe-tan-son-nhat",
  "Kẹt xe nghiêm trọng quanh sân bay Tân Sơn Nhất",
  """Chiều tối qua, các tuyến đường dẫn vào sân bay Tân Sơn Nhất ùn tắc kéo dài hơn hai giờ do mưa
  lớn và lượng xe tăng cao. Nhiều hành khách phải đi bộ kéo vali để kịp chuyến bay.""",
  section="giao-thong")

# --- Hanoi --------------------------------------------------------------------------------------
N(54, "hanoi", "Thủ Đô Mới", "y-te/viet-duc-noi-soi",
  "Bệnh viện Việt Đức phẫu thuật nội soi robot cho bệnh nhân ung thư",
  """Bệnh viện Hữu nghị Việt Đức vừa phẫu thuật thành công bằng robot cho bệnh nhân 65 tuổi mắc
  ung thư trực tràng. Nhờ phương pháp này, bệnh nhân ít đau, có thể ra viện sau năm ngày.""")
N(43, "hanoi", "Sức Khỏe Việt", "thoi-su/ha-noi-thieu-vaccine",
  "Hà Nội: nhiều trạm y tế thiếu vaccine tiêm chủng mở rộng",
  """Nhiều phụ huynh tại Hà Nội phản ánh con đến lịch tiêm vaccine 5 trong 1 nhưng trạm y tế phường
  báo hết thuốc, phải chờ thông báo. Trung tâm Kiểm soát bệnh tật Hà Nội cho biết đợt vaccine mới sẽ
  được phân bổ trong tháng này.""")
A(42, "hanoi", "text_appeal", PAKN,
  """Con tôi 4 tháng tuổi đã quá lịch tiêm mũi 2 vaccine 5 trong 1 gần một tháng, trạm y tế phường
  ở Hà Nội cứ bảo chờ. Ra dịch vụ thì 1 triệu một mũi. Khi nào mới có vaccine miễn phí?""")
A(34, "hanoi", "hotline", HOT,
  """Người dân gọi phản ánh thái độ thiếu tôn trọng của nhân viên tiếp đón khu khám bệnh theo yêu
  cầu Bệnh viện Bạch Mai: nói trống không, không hướng dẫn người cao tuổi. Đã chuyển bệnh viện xử lý.""")
N(26, "hanoi", "VnTin", "suc-khoe/ha-noi-benh-an-dien-tu",
  "Hà Nội triển khai bệnh án điện tử tại 40 bệnh viện",
  """Sở Y tế Hà Nội cho biết đến cuối năm, 40 bệnh viện công lập trên địa bàn sẽ triển khai bệnh án
  điện tử, giúp người bệnh không phải mang theo hồ sơ giấy và giảm thời gian chờ đợi.""")
N(17, "hanoi", "Thủ Đô Mới", "y-te/app-dat-lich-loi",
  "Ứng dụng đặt lịch khám của bệnh viện lớn ở Hà Nội liên tục báo lỗi",
  """Người dân Hà Nội phản ánh ứng dụng đặt lịch khám trực tuyến của một số bệnh viện tuyến trung
  ương liên tục báo lỗi, không nhận mã OTP. Nhiều người đành đến xếp hàng từ sáng sớm.""")
A(16, "hanoi", "text_appeal", PAKN,
  """app dat lich kham Bach Mai khong nhan OTP, thu 3 ngay roi van loi. goi tong dai khong ai nghe.
  Ha Noi ma van phai xep hang tu 5h sang la sao?""")
A(8, "hanoi", "email", MAIL,
  """Gia đình tôi xin gửi lời cảm ơn chân thành tới ê-kíp phẫu thuật Bệnh viện Việt Đức đã mổ cấp cứu
  kịp thời cho bố tôi sau tai nạn giao thông. Các bác sĩ rất tận tâm.""")
N(3, "hanoi", "Sức Khỏe Việt", "thoi-su/ngo-doc-ruou",
  "Ba người nhập viện Bạch Mai vì ngộ độc rượu methanol",
  """Trung tâm Chống độc Bệnh viện Bạch Mai đang điều trị cho ba bệnh nhân ngộ độc methanol sau khi
  uống rượu trắng mua trôi nổi. Một người phải lọc máu liên tục, tiên lượng nặng.""")
N(9, None, "Thủ Đô Mới", "thoi-tiet/ha-noi-ret",
  "Hà Nội đón đợt không khí lạnh đầu mùa",
  """Hà Nội đón đợt không khí lạnh mạnh đầu mùa, nhiệt độ thấp nhất xuống 14 độ C. Các bác sĩ khuyến
  cáo giữ ấm cho trẻ nhỏ và người cao tuổi.""", section="thoi-tiet")

# --- Da Nang ------------------------------------------------------------------------------------
N(51, "da_nang", "Đà Nẵng 24h", "suc-khoe/bv-da-nang-may-ct",
  "Máy CT Bệnh viện Đà Nẵng hỏng, bệnh nhân phải chờ chụp",
  """Một trong hai máy chụp CT của Bệnh viện Đà Nẵng gặp sự cố từ tuần trước, khiến thời gian chờ
  chụp kéo dài nhiều giờ. Bệnh viện cho biết đang chờ linh kiện thay thế từ nước ngoài.""")
A(50, "da_nang", "text_appeal", PAKN,
  """Tôi chờ chụp CT ở Bệnh viện Đà Nẵng từ 8h đến 16h vẫn chưa tới lượt, hỏi thì nhân viên
  nói máy hỏng một cái rồi, ai vội thì ra ngoài chụp. Đề nghị bệnh viện thông báo rõ ràng.""")
N(39, "da_nang", "Đà Nẵng 24h", "suc-khoe/cap-cuu-115-cham",
  "Xe cấp cứu 115 đến chậm, người nhà bức xúc",
  """Gia đình một cụ ông ở quận Sơn Trà, Đà Nẵng bức xúc vì gọi cấp cứu 115 nhưng gần 40 phút
  sau xe mới đến. Trung tâm Cấp cứu 115 Đà Nẵng giải thích thời điểm đó cả năm xe đều đang làm
  nhiệm vụ và hứa sẽ bổ sung kíp trực.""")
A(37, "da_nang", "hotline", HOT,
  """Người dân Đà Nẵng gọi cảm ơn kíp trực cấp cứu 115 đã đến nhanh và sơ cứu tận tình cho mẹ bị
  ngã gãy chân tại nhà.""")
N(24, "da_nang", "VnTin", "suc-khoe/da-nang-san-nhi-moi",
  "Đà Nẵng khánh thành Bệnh viện Phụ sản - Nhi mở rộng",
  """Đà Nẵng đưa vào sử dụng khu điều trị mới của Bệnh viện Phụ sản - Nhi với 300 giường, đơn vị hồi
  sức sơ sinh hiện đại, giảm tình trạng sản phụ phải chuyển ra Hà Nội hoặc vào TP.HCM.""")
A(14, "da_nang", "text_appeal", PAKN,
  """vo toi sinh mo o Da Nang, phong hau san nong, quat hong, 3 me con nam chung 1 giuong. dieu duong
  noi chuyen cuc lam. mong benh vien cai thien.""")
A(2, "da_nang", "email", MAIL,
  """Kính gửi Sở Y tế Đà Nẵng, tôi đề nghị làm rõ vì sao nhà thuốc bệnh viện thường xuyên hết thuốc
  điều trị tiểu đường theo BHYT, người bệnh phải tự mua ngoài với giá cao.""")
N(0, "da_nang", "Đà Nẵng 24h", "suc-khoe/tu-van-qua-tong-dai",
  "Sở Y tế Đà Nẵng mở tổng đài tư vấn sức khỏe miễn phí",
  """Sở Y tế Đà Nẵng chính thức vận hành tổng đài tư vấn sức khỏe miễn phí hoạt động 24/7, giúp người
  dân được bác sĩ hướng dẫn xử trí ban đầu và tra cứu cơ sở y tế gần nhất.""")
A(27, "hcmc", "text_appeal", PAKN,
  """Tôi đi khám ở TP.HCM, bác sĩ phòng khám tư kê đơn rồi ép mua thuốc tại quầy của phòng khám với
  giá gấp đôi ngoài nhà thuốc. Mong cơ quan chức năng kiểm tra.""")
N(44, "hcmc", "Sài Gòn Nay", "suc-khoe/nhi-dong-1-hoi-suc",
  "Bệnh viện Nhi Đồng 1 cứu sống bé sơ sinh 700 gram",
  """Sau gần 80 ngày điều trị tại Bệnh viện Nhi Đồng 1, một bé gái sinh non 26 tuần, nặng 700 gram
  đã được xuất viện với cân nặng 2,1 kg. Các bác sĩ cho biết đây là một trong những ca nhẹ cân
  nhất được cứu sống tại bệnh viện.""")
A(58, "hanoi", "hotline", HOT,
  """Người dân hỏi thủ tục chuyển tuyến bảo hiểm y tế từ Nam Định lên Hà Nội để khám tại Bệnh viện
  Bạch Mai. Đã hướng dẫn giấy chuyển tuyến và quyền lợi.""")
N(33, "hcmc", "VnTin", "suc-khoe/tphcm-tay-chan-mieng",
  "Bệnh tay chân miệng có dấu hiệu tăng ở TP.HCM",
  """Trung tâm Kiểm soát bệnh tật TP.HCM ghi nhận số ca tay chân miệng tăng trong ba tuần liên tiếp,
  chủ yếu ở trẻ dưới 5 tuổi. Các trường mầm non được yêu cầu tăng cường vệ sinh đồ chơi, lớp học.""")

# --- more -------------------------------------------------------------------------------------
A(53, "da_nang", "hotline", HOT,
  """Người dân quận Hải Châu, Đà Nẵng gọi hỏi lịch tiêm vaccine cúm cho người cao tuổi tại trạm y tế
  phường. Đã cung cấp lịch tiêm và số điện thoại trạm.""")
A(40, "hcmc", "email", MAIL,
  """Kính gửi Sở Y tế, ngày 12 vừa qua tôi đưa con vào cấp cứu Bệnh viện Nhi Đồng 1, bác sĩ trực khám
  qua loa và cho về, đến tối bé co giật phải nhập viện lại. Tôi mong được xem xét trách nhiệm.""")
N(48, "hanoi", "VnTin", "suc-khoe/bach-mai-lay-so-online",
  "Bệnh viện Bạch Mai cho phép lấy số khám qua Zalo",
  """Từ tháng này, người bệnh đến Bệnh viện Bạch Mai có thể lấy số thứ tự và đặt lịch khám qua Zalo,
  không cần xếp hàng từ sớm. Bệnh viện kỳ vọng giảm một nửa thời gian chờ tại khu tiếp đón.""")
A(25, "hanoi", "text_appeal", PAKN,
  """Tôi khám ở Bệnh viện Việt Đức, nộp tiền tạm ứng 5 triệu nhưng khi ra viện nhân viên nói không tìm
  thấy biên lai, bắt nộp lại. Đề nghị bệnh viện kiểm tra hệ thống thu tiền.""")
N(15, "da_nang", "Đà Nẵng 24h", "suc-khoe/ngo-doc-banh-mi",
  "Hơn 40 người nhập viện sau khi ăn bánh mì ở Đà Nẵng",
  """Hơn 40 người đã phải nhập viện Bệnh viện Đà Nẵng với triệu chứng đau bụng, nôn ói sau khi ăn
  bánh mì tại một tiệm ở quận Thanh Khê. Cơ quan chức năng đã lấy mẫu xét nghiệm và tạm đình chỉ
  hoạt động của cơ sở.""")
A(5, "hcmc", "hotline", HOT,
  """Người dân TP. Thủ Đức phản ánh trạm y tế phường đóng cửa giờ hành chính, không có người trực để
  tiêm ngừa dại cho con bị chó cắn. Đã chuyển Trung tâm Y tế TP. Thủ Đức.""")

ITEMS = L.items
