"""Texts of the demo studio work of 濮阳市政协's four member studios: the concerns people brought
them over three months (what they wrote, where, and what became of each), the studio members'
answers, the departments' replies to the concerns taken up as micro-suggestions, the studios'
activities, and the year's assessment rules. ``demo_studios`` drives them through the services."""

from __future__ import annotations

from dataclasses import dataclass

# The four studios of 濮阳市政协 (demo_data), by a short key.
STUDIOS = {
    "nonggong": "农工党界别委员工作室",
    "yiyao": "医药卫生界委员工作室",
    "yang": "杨明明委员工作室",
    "gongshang": "工商联界别委员工作室",
}
# Weekdays each studio keeps (0 = Monday); a duty day has a morning and an afternoon shift.
DUTY_DAYS = {"nonggong": (1, 3), "yiyao": (0, 2), "yang": (2, 4), "gongshang": (3,)}
SHIFT_NOTES = ("", "", "", "接待来访群众", "电话回访", "整理群众诉求台账", "")

# --- concerns of the public ----------------------------------------------------------------------

# What becomes of a concern.
NEW, ASSIGNED, REPLIED, CLOSED, DISMISSED = "new", "assigned", "replied", "closed", "dismissed"
MICRO, PROPOSAL, INFORMATION = "micro", "proposal", "information"
# How a micro-suggestion taken up from a concern stands with its department.
ROUTED, ACCEPTED, ANSWERED, SATISFIED, BASICALLY = "routed", "accepted", "answered", "satisfied", "basically"


@dataclass(frozen=True)
class ConcernText:
    studio: str  # key of STUDIOS
    days_ago: int  # when it came in
    description: str
    place: str = ""
    name: str = ""
    fate: str = NEW
    reply: str = ""  # the studio's answer to the person
    close_note: str = ""
    title: str = ""  # what it is taken up as
    category: str = ""  # micro-suggestion / proposal category, by name (if the committee has it)
    department: str = ""  # the department a micro-suggestion goes to when staff route it (demo_texts.role_key)
    outcome: str = ""  # how far the micro-suggestion got (ROUTED … SATISFIED)
    department_reply: str = ""  # {member}: the member's name; signed by the department that replies
    to_lead: bool = False  # given to the studio's lead member rather than the member on duty
    landline: bool = False


C = ConcernText
CONCERNS: tuple[ConcernText, ...] = (
    # --- 杨明明委员工作室 ---
    C("yang", 38, "建业小区南门到昆吾路这一段有6盏路灯坏了一个多月，晚上黑乎乎的，老人和下晚自习的孩子走路很不安全，"
                  "前几天还有人在这里摔倒。给物业和社区都说过，说路灯不归他们管，希望委员帮忙反映一下。",
      place="华龙区胜利路街道建业小区南门至昆吾路段", name="刘女士", fate=MICRO,
      title="关于尽快修复建业小区南门至昆吾路段损坏路灯的建议", category="城乡建设", department="住房和城乡建设局",
      outcome=SATISFIED, to_lead=True,
      department_reply="{member}委员：\n您提出的《关于尽快修复建业小区南门至昆吾路段损坏路灯的建议》收悉。{we}高度重视，接件后即安排"
                       "市政设施维护中心到现场排查，确认系地下供电电缆老化短路所致。目前已更换电缆120米、灯具6套，"
                       "该路段路灯已全部恢复正常照明。下一步，{we}将把该路段纳入夜间巡查范围，发现问题及时维修。\n"
                       "感谢您对{we}工作的关心和支持。"),
    C("yang", 9, "每天早上7点半和下午5点左右，实验小学南门长庆路上接送孩子的车辆乱停乱放，上下学时路口堵得水泄不通，"
                 "孩子们在车缝里穿行，非常危险。建议在学校门口施划临时停车接送区，高峰时段安排交警和志愿者疏导。",
      place="华龙区实验小学南门（长庆路）", fate=MICRO, title="关于治理实验小学南门上下学高峰交通拥堵的建议",
      category="教育", department="教育局", outcome=ACCEPTED, to_lead=True),
    C("yang", 55, "我和爱人都是双职工，孩子两岁半，附近的托育机构每月收费2800元以上，公办幼儿园又不收3岁以下的孩子，"
                  "老人身体不好带不了，真是太难了。希望政府多办一些普惠性的托育点，收费能降一降。",
      place="华龙区胜利路街道", name="王女士", fate=INFORMATION, title="双职工家庭反映普惠托育“一位难求”、收费偏高",
      category="社会保障", to_lead=True),
    C("yang", 45, "妇幼保健院门诊楼二楼的母婴室只有一张椅子，经常要排队，里面也没有热水和尿布台，希望能改善一下。",
      place="濮阳市妇幼保健院门诊楼", name="陈女士", fate=REPLIED, to_lead=True,
      reply="您好！您反映的门诊楼二楼母婴室设施不足问题，值班委员已转告医院后勤保障部门。医院已增设哺乳椅2张、尿布台1个，"
            "并配备了恒温饮水机，同时在三楼儿科候诊区新设一间母婴室，预计本月底投入使用。感谢您的监督！"),
    C("yang", 70, "每天晚上7点到10点，游园里跳广场舞的音响声音特别大，我们小区临街的住户根本没法休息，孩子也没法写作业。"
                  "希望能管一管，限制音量和时间。",
      place="华龙区绿城路与开州路交叉口游园", name="张先生", fate=CLOSED,
      reply="您好！值班委员和社区工作人员于周三晚上到游园现场了解情况，与广场舞队伍负责人进行了沟通，对方同意将音量"
            "控制在60分贝以内、晚上9点前结束，并改用定向音箱。社区将每周抽查，如仍有扰民情况，请再与工作室联系。",
      close_note="两周后电话回访，群众表示噪音明显减小，问题已解决。"),
    C("yang", 1, "小区里电动车充电桩太少，很多人从楼上拉电线下来充电，还有人把电瓶拿回家充，存在很大的火灾隐患。",
      place="华龙区人民路街道锦绣家园小区"),
    C("yang", 3, "社区儿童阅览室晚上和周末都不开放，孩子放学后没地方看书，希望延长开放时间，最好周末也能开。",
      place="胜利路街道新华社区党群服务中心", name="赵女士", fate=ASSIGNED),
    C("yang", 30, "孩子打疫苗要在网上预约，号很难抢，每次放号几分钟就没了，能不能增加接种门诊的开放时间？",
      place="胜利路街道社区卫生服务中心", fate=REPLIED,
      reply="您好！经值班委员与社区卫生服务中心沟通，接种门诊自下月起每周六上午增加开诊，每天放号量由80个增加到120个，"
            "并为预约失败的家长保留电话预约渠道（接种门诊电话可在中心公众号查询）。"),
    C("yang", 6, "我们小区是九十年代的老小区，没有停车位，晚上车都停在消防通道上，万一着火消防车根本进不来。",
      place="华龙区中原路街道石化小区", name="孙先生", fate=ASSIGNED),
    C("yang", 62, "我借给朋友的5万元一直不还，打电话也不接，希望委员帮忙把钱要回来。", name="周先生", fate=DISMISSED,
      close_note="该事项属于个人民间借贷纠纷，值班委员已向当事人解释，并告知可向人民调解委员会申请调解或向人民法院起诉，"
                 "同时提供了市法律援助中心的联系方式。"),
    C("yang", 14, "楼下新开了一家烧烤店，油烟直接往楼上飘，晚上窗户都不敢开，烧烤摊还摆到了人行道上。",
      place="华龙区黄河路东段", fate=REPLIED, landline=True,
      reply="您好！值班委员已将情况转给辖区城市管理执法中队。执法人员现场检查后，责令店主安装油烟净化设施、不得占道经营，"
            "店主已承诺一周内整改到位。工作室将在整改期满后回访。"),
    C("yang", 0, "冬季供暖开始后，我家暖气一直不热，室温只有14度左右，打热力公司电话一直占线。",
      place="华龙区任丘路街道阳光小区"),
    # --- 农工党界别委员工作室 ---
    C("nonggong", 48, "社区老年食堂去年关了，我们这些七八十岁的老人吃饭成了大问题，子女都在外地上班。希望能恢复老年助餐点，"
                      "哪怕只管午饭也行。",
      place="胜利路街道光明社区", name="李大爷", fate=MICRO, title="关于恢复光明社区老年助餐点的建议", category="社会保障",
      department="民政局", outcome=BASICALLY,
      department_reply="{member}委员：\n您提出的《关于恢复光明社区老年助餐点的建议》收悉。{we}会同胜利路街道办事处到光明社区"
                       "实地调研，决定依托社区党群服务中心恢复老年助餐点，由社会组织运营，每天供应午餐，80岁以上老人每餐"
                       "补贴3元。助餐点已于本月试运行，晚餐供应和送餐上门服务正在筹备中。\n感谢您对民政工作的关心和支持。"),
    C("nonggong", 14, "小区旁边的工地晚上十一二点还在施工，打桩机的声音震得窗户都响，严重影响休息，孩子马上要考试了。",
      place="华龙区京开大道与大庆路交叉口西北角工地", name="吴女士", fate=MICRO,
      title="关于查处京开大道大庆路口工地夜间施工噪音扰民的建议", category="生态环境", department="生态环境局",
      outcome=ANSWERED,
      department_reply="{member}委员：\n您提出的《关于查处京开大道大庆路口工地夜间施工噪音扰民的建议》收悉。{we}执法人员于"
                       "当晚22时到现场检查，该工地未办理夜间施工许可，已依法责令立即停止夜间施工并立案调查。今后该工地"
                       "夜间施工须提前公示，{we}将开展不定期夜查。\n感谢您对生态环境保护工作的关心和支持。"),
    C("nonggong", 80, "我有高血压和糖尿病，每个月都要去医院开药，排队挂号很麻烦，社区卫生服务中心能不能开这些药？",
      name="郭大爷", fate=REPLIED,
      reply="您好！经委员了解，按照我市慢性病长期处方管理规定，病情稳定的高血压、糖尿病患者可在社区卫生服务中心开具最长"
            "12周的长期处方，常用药品已纳入社区药房目录。请携带医保卡到胜利路街道社区卫生服务中心慢病门诊办理签约即可。"),
    C("nonggong", 86, "希望工作室能组织医生到我们小区开展义诊和健康讲座，很多老人不知道怎么控制血压血糖。",
      place="华龙区昆吾路街道幸福里小区", fate=CLOSED,
      reply="您好！工作室已商定下周六上午组织农工党界别的医生委员到幸福里小区开展义诊和慢病健康讲座，具体安排请留意"
            "小区公告。",
      close_note="义诊和讲座已举办，服务群众120余人次，群众反映良好。"),
    C("nonggong", 40, "签约了家庭医生，但是一年都没见过医生上门，打电话也联系不上，这个签约有什么用？", name="马女士",
      fate=REPLIED,
      reply="您好！值班委员已向社区卫生服务中心了解，您签约的家庭医生团队因人员调整未及时告知签约居民。中心已为您重新"
            "明确责任医生并公示联系电话，每季度至少随访一次。委员将把家庭医生签约服务“签而不约”问题作为调研课题继续跟进。"),
    C("nonggong", 2, "社区卫生服务中心周末不开门，孩子半夜发烧只能跑大医院急诊，能不能安排周末值班？", fate=ASSIGNED),
    C("nonggong", 2, "小区门口的公交站牌被车撞坏好几个月了，一直没人修，老人看不清线路。",
      place="胜利路与长庆路交叉口公交站"),
    C("nonggong", 33, "工地晚上施工太吵了，打桩一直到半夜，投诉了好几次都没人管。", fate=DISMISSED, landline=True,
      close_note="与本工作室已受理的京开大道工地夜间施工噪音问题为同一事项，已合并办理，值班委员已电话告知群众办理进展。"),
    C("nonggong", 9, "老年人办理高龄津贴需要每年到社区认证，行动不便的老人怎么办？", name="何先生", fate=REPLIED,
      reply="您好！高龄津贴资格认证可通过“豫事办”手机应用刷脸完成，子女可代为操作；行动不便又不会使用手机的老人，"
            "可联系社区申请工作人员上门认证。"),
    C("nonggong", 58, "社区里的健身器材很多都坏了，有的螺丝松动，老人锻炼的时候存在安全隐患。",
      place="胜利路街道光明社区健身广场", fate=CLOSED,
      reply="您好！委员已联系街道和体育部门，对广场上12件健身器材逐一检查，损坏的4件已拆除并申请更换，其余已加固。",
      close_note="新器材已安装到位，问题已解决。"),
    # --- 医药卫生界委员工作室 ---
    C("yiyao", 11, "市人民医院周边停车太难了，早上8点以后就找不到车位，很多病人家属只能把车停在马路上，经常被贴罚单，"
                   "还造成交通拥堵。建议在医院附近建设立体停车场或开放周边单位的停车场。",
      place="濮阳市人民医院周边（胜利路）", name="高先生", fate=MICRO,
      title="关于缓解市人民医院周边停车难问题的建议", category="城乡建设", department="住房和城乡建设局", outcome=ACCEPTED),
    C("yiyao", 50, "我是退休职工，患慢阻肺多年，医院每次只能开一个月的药，医保报销还要到指定医院，住在乡下来回一趟要大半天。"
                   "希望医保政策能更方便我们这些慢性病人。",
      name="冯大爷", fate=PROPOSAL, title="关于完善慢性病长期处方与医保报销衔接机制的提案", category="医疗卫生"),
    C("yiyao", 35, "市人民医院专家号在网上总是挂不上，老人不会用手机，现场又没有号，希望保留一部分现场号源。",
      name="韩女士", fate=REPLIED,
      reply="您好！委员已将您的意见转达医院。医院已决定每日预留两成专家号源用于现场挂号，并在门诊大厅设置老年人"
            "服务台，安排志愿者帮助老年人预约挂号。"),
    C("yiyao", 77, "医院门诊楼电梯太少，高峰期等电梯要十几分钟，推轮椅的病人更难。", fate=CLOSED,
      reply="您好！医院已调整电梯运行方式，高峰时段开放两部应急电梯专供轮椅和行动不便的患者使用，并安排专人引导。",
      close_note="回访群众，对处理结果表示满意。"),
    C("yiyao", 20, "农村离县医院远，打120救护车要等四十多分钟，能不能在乡镇卫生院设急救站点？",
      place="清丰县韩村镇", name="杨先生", fate=REPLIED,
      reply="您好！您反映的问题已列入医药卫生界委员的界别协商议题。据了解，市卫生健康委正在推进乡镇急救站点建设，"
            "年内将在清丰、南乐等县新增5个乡镇急救站点，韩村镇卫生院已列入明年计划。委员将持续跟踪。"),
    C("yiyao", 3, "医保异地就医备案手续太复杂，在郑州住院回来报销要跑好几趟。", name="田女士"),
    C("yiyao", 5, "社区医院药品种类太少，很多常用药都要到大医院去开。", fate=ASSIGNED, landline=True),
    C("yiyao", 90, "医院里的自助缴费机经常出故障，缴费窗口又少，每次都要排长队。", fate=CLOSED,
      reply="您好！医院已对门诊自助机进行全面检修，新增自助机6台，并开通手机缴费和诊间结算。",
      close_note="回访群众，缴费排队问题明显改善。"),
    C("yiyao", 60, "孩子在医院输液室输液，室内空气不好，人又多，很容易交叉感染。", name="罗女士", fate=REPLIED,
      reply="您好！委员已与医院儿科沟通，儿童输液室已增加新风设备并实行分区就座，发热患儿与其他患儿分开输液。"),
    C("yiyao", 24, "社区卫生服务中心没有儿科，孩子感冒发烧只能去市里的医院，排队半天。希望社区卫生服务中心能开设儿科门诊，"
                   "或者安排儿科医生定期坐诊。",
      place="华龙区中原路街道", name="郑女士", fate=MICRO, title="关于在社区卫生服务中心开设儿科门诊的建议",
      category="医疗卫生", department="卫生健康委员会", outcome=SATISFIED,
      close_note="卫生健康委已答复并落实，群众表示满意，予以结案。",
      department_reply="{member}委员：\n您提出的《关于在社区卫生服务中心开设儿科门诊的建议》收悉。{we}已协调市妇幼保健院与"
                       "中原路街道社区卫生服务中心建立医联体，自本月起每周二、周四由妇幼保健院儿科医生到中心坐诊，并为"
                       "中心培训全科医生儿科诊疗技能。明年将在全市10个社区卫生服务中心推广。\n感谢您对卫生健康工作的关心和支持。"),
    # --- 工商联界别委员工作室 ---
    C("gongshang", 8, "我们公司在濮阳县王称堌镇，进厂的村道只有4米宽，路面坑坑洼洼，大货车进出困难，一下雨就陷车，"
                      "严重影响企业生产和村民出行。希望能把这条路纳入农村公路提升改造计划。",
      place="濮阳县王称堌镇工业园区进厂道路", name="赵经理", fate=MICRO, title="关于改造王称堌镇工业园区进厂道路的建议",
      category="交通出行", department="交通运输局", outcome=ROUTED, landline=True),
    C("gongshang", 42, "我们是做农产品加工的小微企业，想扩大生产，到银行贷款要抵押，厂房是租的没有产权，贷不下来，"
                       "担保公司的费用又太高。希望政府能出台一些针对小微企业的信用贷款政策。",
      name="钱经理", fate=PROPOSAL, title="关于破解小微企业融资难融资贵问题的提案"),
    C("gongshang", 28, "今年厂里招工特别难，年轻人都不愿意进工厂，熟练技工更是招不到，订单来了也不敢接。",
      place="濮阳经济技术开发区", name="孙经理", fate=INFORMATION, title="民营企业反映技能型工人招工难问题突出"),
    C("gongshang", 52, "办理食品生产许可证变更，要跑市场监管、消防好几个部门，材料要重复提交好几次。", fate=REPLIED,
      reply="您好！委员已向市政务服务中心了解，食品生产许可变更已纳入“一件事一次办”，可在河南政务服务网一次提交材料，"
            "各部门并联审批。中心已安排专人与您联系，指导办理。"),
    C("gongshang", 74, "企业的用电报装申请等了一个多月还没接通，耽误了新生产线投产。", name="李经理", fate=CLOSED,
      landline=True,
      reply="您好！委员已协调濮阳供电公司，供电公司已派客户经理上门服务，线路施工将在一周内完成。",
      close_note="企业新生产线已送电投产，企业表示满意。"),
    C("gongshang", 1, "开发区的道路晚上货车乱停，占用非机动车道，员工骑车下班很危险。", place="濮阳经济技术开发区长庆路"),
    C("gongshang", 16, "听说有稳岗补贴，怎么申请？我们企业一直没有收到通知。", fate=REPLIED,
      reply="您好！失业保险稳岗返还实行“免申即享”，符合条件的企业无需申请，由人社部门比对数据后直接发放到企业"
            "对公账户。委员已请人社部门核查贵企业的参保情况，工作人员将电话联系您。"),
    C("gongshang", 4, "企业周边没有公交线路，员工上下班通勤困难，希望开通一条通往开发区的公交线路。", name="周经理",
      fate=ASSIGNED),
)

ASSIGN_NOTES = ("请值班委员跟进。", "请尽快联系群众了解情况。", "")
SATISFIED_COMMENTS = ("问题已解决，群众很满意，感谢及时办理。", "办理及时，效果明显。")
BASICALLY_COMMENTS = ("助餐点已恢复，希望尽快开通送餐服务。",)

# --- studio activities ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityText:
    studio: str
    kind: str  # StudioActivityKind value
    offset: int  # days from today (negative: held)
    title: str
    place: str
    summary: str = ""
    guests: tuple[tuple[str, str], ...] = ()  # (name, organisation) of public representatives


A = ActivityText
ACTIVITIES: tuple[ActivityText, ...] = (
    A("yang", "reception", -72, "委员接待日：倾听妇女儿童心声", "胜利路街道委员联络站",
      "杨明明委员和工作室委员接待群众14人次，受理托育服务、母婴设施、儿童阅览室等方面诉求6件，现场答复3件。"),
    A("yang", "visit", -50, "走访胜利路街道困境儿童家庭", "胜利路街道新华社区、光明社区",
      "委员们走访困境儿童家庭8户，了解就学、就医和生活保障情况，协调街道为2名儿童落实临时救助。"),
    A("yang", "seminar", -33, "社区托育服务座谈会", "胜利路街道委员联络站",
      "邀请社区托育机构负责人、家长代表和社区干部座谈，围绕普惠托位不足、收费偏高等问题交流意见，形成社情民意信息1篇。"),
    A("yang", "reception", -12, "委员接待日：冬季供暖和老旧小区问题", "胜利路街道委员联络站",
      "接待群众11人次，受理供暖不热、老旧小区停车、电动车充电等诉求5件，交由值班委员跟进。"),
    A("yang", "reception", 5, "委员接待日：倾听群众心声", "胜利路街道委员联络站",
      guests=(("刘秀兰", "新华社区居民代表"), ("王建国", "光明社区楼院长"))),
    A("nonggong", "reception", -64, "农工党委员坐诊接访日", "胜利路街道社区服务中心二楼",
      "农工党界别委员现场坐诊，为居民测量血压血糖60余人次，受理慢病用药、家庭医生签约等诉求4件。"),
    A("nonggong", "visit", -45, "走访社区老年助餐点和养老服务中心", "胜利路街道光明社区",
      "委员们实地察看老年助餐点停办后的场地，听取老年人就餐需求，决定将恢复助餐点的诉求转为微建议。"),
    A("nonggong", "seminar", -21, "基层慢性病健康管理座谈会", "胜利路街道社区服务中心二楼",
      "与社区卫生服务中心医生、家庭医生团队和居民代表座谈，梳理家庭医生“签而不约”等问题，形成调研提纲。"),
    A("nonggong", "reception", 12, "农工党委员坐诊接访日（冬季健康专场）", "胜利路街道社区服务中心二楼"),
    A("yiyao", "reception", -58, "医药卫生界委员接待日", "濮阳市人民医院门诊楼一楼委员接待室",
      "接待患者和家属9人次，受理挂号难、停车难、输液室环境等诉求，现场协调医院有关科室答复3件。"),
    A("yiyao", "visit", -38, "走访乡镇卫生院了解急救体系建设", "清丰县韩村镇卫生院",
      "委员们察看卫生院急诊科和救护车配置，听取院方关于急救半径过大的情况介绍。"),
    A("yiyao", "seminar", -17, "医保惠民政策宣讲和座谈", "濮阳市人民医院门诊楼一楼委员接待室",
      "邀请医保部门工作人员宣讲门诊慢特病和异地就医备案政策，解答群众提问20余个。"),
    A("yiyao", "seminar", 9, "分级诊疗和医联体建设座谈会", "濮阳市人民医院行政楼三楼会议室"),
    A("gongshang", "reception", -66, "民营企业家接待日", "濮阳市工商联三楼",
      "接待企业负责人7人次，受理融资、用工、用电报装等诉求5件。"),
    A("gongshang", "visit", -40, "走访濮阳县王称堌镇工业园区企业", "濮阳县王称堌镇工业园区",
      "委员们走访园区企业5家，了解企业在道路交通、融资和招工方面的困难，收集问题8条。"),
    A("gongshang", "seminar", -19, "优化营商环境政企座谈会", "濮阳市工商联三楼",
      "邀请市场监管、人社、税务部门与企业代表面对面座谈，现场解答企业问题12个。"),
)
FOLLOW_UP_TITLE = "{label}群众诉求跟踪会"
FOLLOW_UP_PLACE = {"nonggong": "胜利路街道社区服务中心二楼", "yiyao": "濮阳市人民医院门诊楼一楼委员接待室",
                   "yang": "胜利路街道委员联络站", "gongshang": "濮阳市工商联三楼"}
EXCUSE_NOTES = ("医院门诊值班", "外出参加学术会议", "单位有紧急工作", "因病请假")

# --- the year's assessment rules ---------------------------------------------------------------------

RULES_TITLE = "{year}年度委员履职量化考核办法"
BASE_SCORE, MAX_SCORE = 60, 120
GRADES = ({"grade": "优秀", "min": 90}, {"grade": "良好", "min": 80}, {"grade": "合格", "min": 60})
# A member must hand in at least one proposal and one piece of social-conditions information a year.
MINIMUMS = ({"kind": "proposal_submitted", "count": 1}, {"kind": "information_submitted", "count": 1})
# kind → (points each, cap per year or None, how several authors share, the first author's share): a
# member who takes part steadily lands at 良好, an unexcused absence costs 10, and a joint proposal's
# first proposer takes half, the co-proposers share the rest.
RULES: dict[str, tuple] = {
    "meeting_present": ("1.5", 15, "full", "0.5"),
    "meeting_excused": (-2, 10, "full", "0.5"),
    "meeting_absent": (-10, 30, "full", "0.5"),
    "speech": (2, 8, "full", "0.5"),
    "written_opinion": (1, 4, "full", "0.5"),
    "proposal_submitted": (2, 8, "first_share", "0.5"),
    "proposal_filed": (3, 15, "first_share", "0.5"),
    "proposal_key": (6, None, "first_share", "0.6"),
    "proposal_excellent": (8, None, "full", "0.5"),
    "micro_submitted": ("0.5", 3, "full", "0.5"),
    "micro_replied": ("0.5", 2, "full", "0.5"),
    "micro_satisfied": ("0.5", 2, "full", "0.5"),
    "information_submitted": (1, 6, "recorded", "0.5"),
    "information_adopted": (2, None, "recorded", "0.5"),
    "information_adopted_higher": (4, None, "recorded", "0.5"),
    "information_adopted_provincial": (6, None, "recorded", "0.5"),
    "information_adopted_national": (10, None, "recorded", "0.5"),
    "information_instructed": (6, None, "recorded", "0.5"),
    "task_member": (2, 6, "full", "0.5"),
    "task_lead": (4, 8, "full", "0.5"),
    "activity_present": (1, 5, "full", "0.5"),
    "studio_duty": ("0.5", 5, "full", "0.5"),
    "studio_activity": ("0.5", 4, "full", "0.5"),
    "concern_handled": (1, 5, "full", "0.5"),
    "other": (2, 10, "full", "0.5"),
}

# --- duty staff record by hand, with evidence ------------------------------------------------------------


@dataclass(frozen=True)
class ManualText:
    who: str  # "demo": the demo member; "proposer": a member whose proposal was filed; "any": another member
    kind: str  # DutyKind value
    days_ago: int
    label: str  # {title}: the proposal's title
    note: str
    evidence_title: str
    evidence: str  # {name}, {date}, {title}
    issuer: str


MANUAL_ENTRIES: tuple[ManualText, ...] = (
    ManualText("demo", "other", 40, "赴濮阳县王称堌镇开展“健康义诊进乡村”活动",
               "组织医药卫生界委员和妇幼保健院专家下乡义诊，服务群众200余人次。", "情况证明",
               "兹证明{name}委员于{date}带领医疗专家到我院开展“健康义诊进乡村”活动，为群众义诊200余人次，"
               "开展妇幼健康讲座1场，发放健康宣传资料500余份。\n特此证明。", "濮阳县王称堌镇卫生院"),
    ManualText("proposer", "proposal_excellent", 60, "提案《{title}》被评为市政协年度优秀提案",
               "经提案委员会评审、主席会议审定。", "优秀提案通报",
               "经市政协提案委员会评审、主席会议审定，{name}委员提出的《{title}》被评为市政协年度优秀提案，"
               "特予通报表扬。", "政协濮阳市委员会办公室"),
    ManualText("any", "other", 25, "参加全省政协委员履职能力提升培训班（线下）", "在河南省政协培训中心集中学习5天。",
               "结业证明", "{name}同志于{date}参加河南省政协委员履职能力提升培训班，完成全部课程，考核合格，准予结业。",
               "河南省政协培训中心"),
)
