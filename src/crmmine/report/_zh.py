# ruff: noqa: E501  (Chinese characters count double in the line width; the table reads best unwrapped)
"""Chinese text of the report: sentences and headings (``ZH``), column labels (``COLUMNS_ZH``),
time units (``UNITS_ZH``) and the cleaning log's reasons and actions (``LOG_ZH``).

Keys are the English text exactly as written in the sections; placeholders (``{n:,}``) are the
same in both languages (a test checks it). Terms follow the usual Chinese CRM and data-mining
textbooks (客户终身价值, 关联规则, 客户流失, 信用评分卡).
"""

from __future__ import annotations

__all__ = ["COLUMNS_ZH", "LOG_ZH", "UNITS_ZH", "ZH"]

ZH: dict[str, str] = {
    # page
    "crmmine customer analytics report": "crmmine 客户分析报告",
    "as of {as_of} - {n:,} customers - generated {stamp} in {seconds:.1f} s":
        "截至 {as_of} - {n:,} 位客户 - 生成于 {stamp}，用时 {seconds:.1f} 秒",
    "all customers": "全部客户",
    "Figure text is in English: matplotlib has no font with Chinese characters on this machine (install one, "
    "e.g. fonts-noto-cjk, to get Chinese figures).":
        "图中文字为英文：本机 matplotlib 没有可显示中文的字体（安装一种中文字体，例如 fonts-noto-cjk，即可得到中文图表）。",
    "Warnings raised while building this section:": "生成本节时出现的警告：",
    "This section failed:": "本节生成失败：",
    "Read these numbers with care:": "请谨慎解读以下数字：",
    "Notes": "说明",
    "This section analyses a random sample of {n:,} of the {total:,} customers (seed {seed}); counts and "
    "totals here are the sample's.":
        "本节分析 {total:,} 位客户中随机抽取的 {n:,} 位（随机种子 {seed}）；本节的计数与合计均为样本的数值。",
    # settings
    "Settings": "报告设置",
    "Every choice below is a parameter of build_report() and a flag of crmmine report (e.g. clv_horizon is "
    "--clv-horizon).":
        "以下每一项都是 build_report() 的参数，也是 crmmine report 命令的选项（例如 clv_horizon 对应 --clv-horizon）。",
    "{engine} engine: the data-quality and customer-summary figures cover all {total:,} customers; the "
    "per-customer sections analyse a random sample of {n:,} customers drawn with seed {seed} (DuckDB is used "
    "for inputs of more than {limit:,} rows).":
        "{engine} 引擎：数据质量与客户汇总覆盖全部 {total:,} 位客户；逐客户分析的各节使用以随机种子 {seed} "
        "抽取的 {n:,} 位客户样本（输入超过 {limit:,} 行时使用 DuckDB）。",
    "reference date: data on or before this day is history": "参考日期：该日及之前的数据为历史数据",
    "unit of recency, T and the BTYD models": "最近购买间隔、T 与 BTYD 模型的时间单位",
    "future window of the CLV": "客户终身价值的预测期",
    "yearly discount rate of the CLV": "客户终身价值的年折现率",
    "profit share of revenue in the CLV components": "客户价值构成中的利润率（占收入比例）",
    "no purchase in this window after the cutoff = churned": "截止日后该期间内无购买即视为流失",
    "retention offer's cost for a customer who accepts it": "客户接受挽留优惠时公司承担的成本",
    "cost of each retention contact": "每次挽留联系的成本",
    "length of the holdout period of the BTYD check": "BTYD 模型检验的留出期长度",
    "window of the sequential rules and of the up-sell label": "序列规则与向上销售标签的时间窗口",
    "RFM segment table": "RFM 客户分群规则表",
    "lifecycle stage names": "生命周期阶段划分",
    "rows of every customer list": "每个客户名单显示的行数",
    "language of the page": "报告语言",
    "seed of every random step": "所有随机步骤的随机种子",
    "where the cleaning and the whole-base figures ran": "数据清洗与全体客户统计的计算引擎",
    "customers analysed per customer": "逐客户分析的客户数",
    "returns and cancellations policy": "退货与取消订单的处理方式",
    "rows with a missing or unparseable date": "日期缺失或无法解析的行",
    "rows with a missing, non-numeric or infinite amount": "金额缺失、非数值或无穷大的行",
    # data quality
    "Data quality": "数据质量",
    "{raw:,} raw rows; {clean:,} clean rows up to {as_of}; {customers:,} customers; {orders:,} orders from "
    "{first} to {last}; revenue {revenue:,.0f}.":
        "原始数据 {raw:,} 行；截至 {as_of} 的清洗后数据 {clean:,} 行；{customers:,} 位客户；{first} 至 {last} "
        "共 {orders:,} 笔订单；收入 {revenue:,.0f}。",
    "left out of the analysis": "不参与分析",
    "set apart": "单独存放",
    "kept as negative lines and netted against purchases": "作为负数行保留并与购买相抵",
    "Returns policy {policy}: the rule 'returns and cancellations' counted {lines:,} lines of {customers:,} "
    "customers, {what}: {cancelled:,} lines of orders whose id starts with '{prefix}' (cancelled invoices) and "
    "{negative:,} lines with a negative quantity or amount in other orders (returns, corrections or "
    "write-offs: the log does not tell them apart).":
        "退货处理方式 {policy}：“退货与取消”规则共统计 {customers:,} 位客户的 {lines:,} 行，{what}：其中 {cancelled:,} "
        "行属于编号以“{prefix}”开头的订单（已取消的发票），{negative:,} 行是其他订单中数量或金额为负的行"
        "（退货、更正或核销：清洗日志无法区分）。",
    "Returns policy {policy}: the rule 'returns and cancellations' counted {lines:,} lines, {what}: lines of "
    "orders whose id starts with '{prefix}' and lines with a negative quantity or amount (returns, corrections "
    "or write-offs alike).":
        "退货处理方式 {policy}：“退货与取消”规则共统计 {lines:,} 行，{what}：包括编号以“{prefix}”开头的订单行，"
        "以及数量或金额为负的行（退货、更正或核销均在其中）。",
    "{n:,} rows with a missing or unparseable date were dropped and counted below (policy bad_dates={policy}); "
    "pass --bad-dates raise to stop on them instead.":
        "{n:,} 行日期缺失或无法解析，已删除并计入下表（处理方式 bad_dates={policy}）；如需遇到此类行即停止，"
        "请使用 --bad-dates raise。",
    "{n:,} clean rows dated after {as_of} are left out of the analysis.": "{as_of} 之后的 {n:,} 行清洗后数据不参与分析。",
    "Examples: {reason}": "示例：{reason}",
    "{n:,} customers only returned goods in the period (every order of theirs nets below zero under --returns "
    "net): they have no purchase and are left out of the analysis.":
        "{n:,} 位客户在此期间只有退货（在 --returns net 下其每笔订单净额均为负）：他们没有购买，不参与分析。",
    # customer summary
    "Customer summary": "客户汇总",
    "{n:,} customers at {as_of}; recency, T and time since last purchase are in {unit}.":
        "截至 {as_of} 共 {n:,} 位客户；最近购买间隔、T 与距上次购买时间的单位为{unit}。",
    "The table covers every customer; the histograms show the sample of {n:,} customers.":
        "上表覆盖全部客户；直方图显示 {n:,} 位客户的样本。",
    "Customer summary distributions": "客户汇总分布",
    "New customers by month of first purchase": "按首次购买月份统计的新客户",
    "New customers by month": "每月新客户",
    "summary distributions": "客户汇总分布",
    "new customers by month": "每月新客户",
    "repeat purchases": "重复购买次数",
    "time since last purchase ({unit})": "距上次购买时间（{unit}）",
    "total spend (log10 scale)": "总消费额（log10 刻度）",
    "customers": "客户数",
    # segmentation
    "Segmentation": "客户细分",
    "RFM scores on a 1-5 scale (equal groups by rank; recency = time since the last purchase in {unit}, "
    "frequency = orders, monetary = total spend), segments from the {preset!r} table. The top 20% of customers "
    "bring {top20:.1%} of revenue and the top 1% {top1:.1%} (Gini {gini:.3f}).":
        "RFM 评分为 1-5 分（按排名等分；R = 距上次购买时间，单位{unit}；F = 订单数；M = 总消费额），客户分群采用 "
        "{preset!r} 规则表。前 20% 的客户贡献了 {top20:.1%} 的收入，前 1% 的客户贡献了 {top1:.1%}（基尼系数 "
        "{gini:.3f}）。",
    "RFM segments": "RFM 客户分群",
    "Lifecycle stages": "生命周期阶段",
    "Lifecycle stages and the recommended action": "生命周期阶段与建议措施",
    "Stages from each customer's purchase days up to {as_of} (preset {preset!r}); the action per stage follows "
    "the CRM texts (advertising for prospects, cross-selling through partners in development, points membership "
    "in growth, one-to-one service in maturity, win-back in termination). Edit the table with "
    "crmmine.segmentation.stage_actions() and assign_actions().":
        "阶段依据每位客户截至 {as_of} 的购买日期划分（预设 {preset!r}）；各阶段的措施参照 CRM 教材（潜在期做广告宣传，"
        "开发期通过合作伙伴交叉销售，成长期推行积分会员制，成熟期提供一对一服务，终止期进行客户赢回）。可用 "
        "crmmine.segmentation.stage_actions() 与 assign_actions() 修改此表。",
    "How the stages are assigned": "阶段的划分依据",
    "ABC tiers (80% / 95% of revenue)": "ABC 分级（收入的 80% / 95%）",
    "Clusters (k-means on log, standardised R, F, M; {k} clusters by silhouette)":
        "聚类（对取对数并标准化的 R、F、M 做 k-means；按轮廓系数选出 {k} 类）",
    "choice of the number of clusters": "聚类数的选择",
    "segments, Lorenz curve and lifecycle": "客户分群、洛伦兹曲线与生命周期",
    # value
    "Customer lifetime value": "客户终身价值",
    "BG/NBD on {n:,} customers ({rows:,} distinct rows; purchases counted as distinct days), time unit {unit}: "
    "log-likelihood {ll:,.2f}. Expected purchases in the next {horizon} ({h:g} {unit}): {purchases:,.0f}; total "
    "CLV over {horizon} at {rate:.0%} a year and margin {margin:.0%}: {total:,.0f}. Spend per purchase from "
    "Gamma-Gamma on {repeat:,.0f} repeat customers (customers without a repeat purchase get the population mean "
    "{mean_spend:,.2f}).":
        "BG/NBD 模型基于 {n:,} 位客户（{rows:,} 个不同的数据行；购买按不同的购买日计数），时间单位为{unit}：对数似然 "
        "{ll:,.2f}。未来 {horizon}（{h:g} {unit}）的预期购买次数：{purchases:,.0f}；按年折现率 {rate:.0%}、利润率 "
        "{margin:.0%} 计算的 {horizon} 客户终身价值合计：{total:,.0f}。每次购买的消费额来自基于 {repeat:,.0f} "
        "位重复购买客户的 Gamma-Gamma 模型（无重复购买的客户取总体均值 {mean_spend:,.2f}）。",
    "The BG/NBD fit is at a boundary ({what}): P(alive) is practically 1 for everyone, so the expected "
    "purchases and the CLV below are upper bounds.":
        "BG/NBD 模型的拟合落在参数边界上（{what}）：所有客户的 P(alive) 实际上都为 1，因此下面的预期购买次数与客户"
        "终身价值都是上限。",
    "Probability each customer is still active": "每位客户仍然活跃的概率",
    "mean CLV over {h}": "{h} 平均客户终身价值",
    "CLV by {group}": "按{group}统计的客户终身价值",
    "RFM segment": "RFM 客户群",
    "CLV decile (D1 = top)": "客户终身价值十分位（D1 = 最高）",
    "Caveat: BG/NBD gives P(alive) = 1 to every customer without a repeat purchase (a customer can only drop "
    "out right after a purchase). In {segments}, most customers bought once, so their mean P(alive) near 1 "
    "says nothing about whether they are still active.":
        "注意：BG/NBD 模型对没有重复购买的客户一律给出 P(alive) = 1（客户只可能在一次购买之后流失）。在 {segments} "
        "中，大多数客户只购买过一次，因此其平均 P(alive) 接近 1 并不能说明这些客户仍然活跃。",
    "CLV components by {group}": "按{group}统计的客户价值构成",
    "CLV components by segment": "各客户群的客户价值构成",
    "CLV = historical + current + potential value (Gupta et al. 2006): historical = margin already brought, "
    "compounded to {as_of} at the discount rate; current = the CLV above (behaviour as it is); potential = the "
    "discounted purchases x the gap between the customer's spend per purchase and the {q:.0%} quantile of the "
    "peers in the same segment (share of wallet, min {peers} peers).":
        "客户价值 = 历史价值 + 当前价值 + 潜在价值（Gupta 等，2006）：历史价值 = 客户已带来的利润，按折现率复利计算到 "
        "{as_of}；当前价值 = 上面的客户终身价值（行为保持不变）；潜在价值 = 折现后的购买次数 × 客户每次消费额与同一"
        "客户群中同类客户 {q:.0%} 分位数之差（钱包份额，同类客户至少 {peers} 位）。",
    "P(alive) and CLV": "P(alive) 与客户终身价值",
    "Historical value counts purchase lines only: the {n:,} returned lines kept under --returns net are not "
    "subtracted from it.":
        "历史价值只计算购买行：在 --returns net 下保留的 {n:,} 行退货没有从中扣除。",
    "Top {n} customers by CLV": "客户终身价值最高的 {n} 位客户",
    "at a boundary: {what}": "处于参数边界：{what}",
    "identical to {other}: both reduced to the NBD model (no drop-out)":
        "与 {other} 完全相同：两者都退化为 NBD 模型（无流失）",
    "Holdout check: calibration to {end}, holdout {holdout}": "留出期检验：校准期截至 {end}，留出期 {holdout}",
    "{n:,} customers of the calibration period; purchases counted as distinct days.":
        "校准期共 {n:,} 位客户；购买按不同的购买日计数。",
    "Holdout check skipped: the log starts on {first}, so a holdout of {holdout} leaves less calibration than "
    "holdout. Pass a shorter --holdout.":
        "未做留出期检验：数据从 {first} 开始，{holdout} 的留出期会使校准期短于留出期。请用 --holdout 指定更短的留出期。",
    "Holdout check skipped: {error}": "未做留出期检验：{error}",
    "holdout validation and tracking": "留出期验证与累计购买跟踪",
    # cross-selling
    "Cross-selling and up-selling": "交叉销售与向上销售",
    "{n:,} returned lines (negative amounts, kept under --returns net) are left out of the baskets, sequences "
    "and up-sell histories.":
        "{n:,} 行退货（金额为负，在 --returns net 下保留）不计入购物篮、序列与向上销售的历史数据。",
    "No item column in the transactions: cross-selling analysis skipped.": "交易数据中没有商品列：未做交叉销售分析。",
    "{orders:,} orders and {items:,} items; {itemsets:,} frequent itemsets at minimum support {support:.1%} of "
    "orders and {rules:,} non-redundant rules with confidence of at least 30% (redundancy as in R arules).":
        "{orders:,} 笔订单、{items:,} 种商品；最小支持度为订单的 {support:.1%} 时得到 {itemsets:,} 个频繁项集，"
        "以及 {rules:,} 条置信度不低于 30% 的非冗余规则（冗余的定义同 R arules）。",
    "Top rules by lift": "提升度最高的规则",
    "support (share of orders)": "支持度（占订单比例）",
    "confidence": "置信度",
    "Association rules": "关联规则",
    "association rules: support against confidence": "关联规则：支持度与置信度",
    "No rule reached the thresholds.": "没有规则达到阈值。",
    "Next best offer for the top customers": "重要客户的下一个最佳推荐",
    "{n:,} customers have at least one rule-based offer.": "{n:,} 位客户至少有一项基于规则的推荐。",
    "Sequential rules: what customers buy next, and when": "序列规则：客户接下来买什么、何时买",
    "A, then B: a customer who bought A (one order, or A1 then A2 in later orders) bought B in a later order "
    "within {h} (sequential patterns of up to three items; counts are customers; minimum support {support:.0%} "
    "of the {n:,} customers, confidence at least 10%). days_median, days_q25 and days_q75 give the days from A "
    "to B over the customers who followed the rule: the time to the next purchase, to plan the offer for.":
        "先 A 后 B：购买了 A（一笔订单，或先 A1 后 A2 的几笔订单）的客户在 {h} 内的后续订单中购买了 B（最多含三种商品"
        "的序列模式；按客户计数；最小支持度为 {n:,} 位客户的 {support:.0%}，置信度至少 10%）。days_median、days_q25 "
        "与 days_q75 是遵循该规则的客户从 A 到 B 的天数，即安排推荐时机所需的距下次购买时间。",
    "No sequential rule reached the thresholds.": "没有序列规则达到阈值。",
    "Up-sell targets": "向上销售目标客户",
    "Up-sell targets (top {n})": "向上销售目标客户（前 {n} 位）",
    "Up-sell targets need a product category: pass category= (--category COLUMN) naming a column of the "
    "transactions.":
        "向上销售分析需要商品类别：请用 category=（--category COLUMN）指定交易数据中的类别列。",
    "Up-sell targets skipped: the log starts on {first}; training needs one offer horizon ({h}) of history "
    "before the {h} that end at {as_of}.":
        "未做向上销售分析：数据从 {first} 开始；训练需要在截至 {as_of} 的 {h} 之前再有一个推荐期（{h}）的历史数据。",
    "product type named in the description (online_retail_category)": "商品描述中的产品类型（online_retail_category）",
    "Categories: {how}; {items:,} items in {cats:,} categories with price tiers. The propensity model learned "
    "from {pairs:,} (customer, category) pairs at {train}, of which {rate:.1%} moved to a higher price tier "
    "within {h}; the offers at {as_of} are ranked by expected margin gain = P(move up) x P(item | move up) x "
    "value gap x usual units.":
        "类别：{how}；{cats:,} 个类别中有 {items:,} 种分价格档次的商品。倾向模型在 {train} 基于 {pairs:,} 个"
        "（客户，类别）组合训练，其中 {rate:.1%} 在 {h} 内升级到更高价格档次；{as_of} 的推荐按预期利润增量排序 = "
        "P(升级) × P(商品 | 升级) × 价值差 × 通常购买数量。",
    "Out-of-sample check one period earlier (trained at {train}, scored at {as_of} on the next {h}): AUC "
    "{auc:.3f} against {base:.3f} for the categories' past move-up rates.":
        "提前一期的样本外检验（{train} 训练，{as_of} 评分，检验其后 {h}）：AUC {auc:.3f}，而按类别历史升级率排序为 "
        "{base:.3f}。",
    "Out-of-sample check skipped: {error}": "未做样本外检验：{error}",
    # anomalies
    "Fraud and anomalies": "欺诈与异常",
    "Scores follow one convention: higher is more unusual, and only in the risky direction. Orders are listed "
    "for being unusually large against the median order of all customers or against the customer's own median "
    "order; customers for unusually many orders or high spend. Nobody is listed for being recent, new or small. "
    "These are leads for inspection, not verdicts.":
        "评分遵循同一约定：分数越高越异常，且只看有风险的方向。订单因相对全体客户的订单中位数或客户自己的订单中位数"
        "异常大而列出；客户因订单异常多或消费异常高而列出。没有人因为最近购买、新客户或消费少而被列出。这些只是"
        "需要核查的线索，不是结论。",
    "Unusual orders (top {n})": "异常订单（前 {n} 笔）",
    "Unusual customers (top {n}; ensemble of robust z, isolation forest and LOF on orders, spend and spend per "
    "order, high side only)":
        "异常客户（前 {n} 位；对订单数、消费额与单笔消费额，用稳健 z 分数、孤立森林与 LOF 的集成评分，只看偏高方向）",
    "order score (largest upper robust z, log10; orders above the median)":
        "订单评分（最大的上侧稳健 z 分数，log10；高于中位数的订单）",
    "orders": "订单数",
    "Orders": "订单",
    "customer score (mean percentile rank)": "客户评分（平均百分位排名）",
    "Customers": "客户",
    "anomaly scores": "异常评分",
    # churn
    "Churn and retention": "客户流失与挽留",
    "The log covers {span} days: a churn horizon of {h} needs at least twice that ({need:g} days: a label "
    "window after as much history). Pass a shorter --churn-horizon (at most {most} days).":
        "数据覆盖 {span} 天：{h} 的流失期至少需要其两倍（{need:g} 天：一段同样长的历史加上标签期）。请用 "
        "--churn-horizon 指定更短的流失期（最多 {most} 天）。",
    "Churn over the {h} after {cutoff}: {n:,} customers known, {churned:,} churned; too few of one class to fit "
    "a model.":
        "{cutoff} 之后 {h} 的流失情况：已知客户 {n:,} 位，流失 {churned:,} 位；其中一类太少，无法拟合模型。",
    "Churn = no purchase in the {h} after {cutoff}; {n:,} customers known at that date, {rate:.1%} churned. "
    "Logistic model on leakage-safe features (only data up to the cutoff), 5-fold cross-validation: AUC "
    "{auc:.3f}, top-decile lift {lift:.2f}, EMPC {empc:,.2f} per customer (target {frac:.1%} of the customers), "
    "with the value of a kept customer = {value} (mean {mean_value:,.2f}, matched on the customer id). Retention "
    "list: same value, success rate {success:.0%}, incentive {incentive:g}, contact cost {contact:g}.":
        "流失 = {cutoff} 之后 {h} 内没有购买；该日已知客户 {n:,} 位，流失率 {rate:.1%}。逻辑回归模型使用无信息泄漏的"
        "特征（只用截止日及之前的数据），5 折交叉验证：AUC {auc:.3f}，前 10% 提升度 {lift:.2f}，EMPC 每位客户 "
        "{empc:,.2f}（目标客户占 {frac:.1%}），挽留一位客户的价值 = {value}（均值 {mean_value:,.2f}，按客户编号匹配）。"
        "挽留名单：价值相同，成功率 {success:.0%}，激励成本 {incentive:g}，联系成本 {contact:g}。",
    "CLV over {h} from the value section": "客户终身价值一节中的 {h} 客户终身价值",
    "spend of the last 180 days x 2": "最近 180 天消费额 × 2",
    "P(churn in the next {h})": "未来 {h} 内流失的概率",
    "Churn risk today": "当前流失风险",
    "churn risk and gains": "流失风险与增益",
    "Gains by decile": "按十分位的增益",
    "Retention list (top {n})": "挽留名单（前 {n} 位）",
    # credit
    "Credit scorecard": "信用评分卡",
    "{n:,} applications ({bad:,} bad, target column {target!r}): the scorecard is developed on {dev:,} and "
    "evaluated on a holdout of {hold:,} (a third, stratified by outcome, seed {seed}).":
        "{n:,} 份申请（{bad:,} 份违约，目标列 {target!r}）：评分卡在 {dev:,} 份上开发，在 {hold:,} 份留出样本上评估"
        "（三分之一，按结果分层抽取，随机种子 {seed}）。",
    "Logistic scorecard on {k} characteristics (weight-of-evidence bins, information value at least "
    "{min_iv:g}, WoE correlation below {max_corr:g}). Points: {base:g} at good:bad odds of {odds:g}, {pdo:g} "
    "points to double the odds; more points = safer. Holdout of {n:,} applications ({bad:,} bad): KS {ks:.3f}, "
    "AUC {auc:.3f}, Gini {gini:.3f}.":
        "基于 {k} 个特征的逻辑回归评分卡（证据权重分箱，信息值至少 {min_iv:g}，WoE 相关系数低于 {max_corr:g}）。"
        "分值：好坏比 {odds:g} 时为 {base:g} 分，好坏比翻倍增加 {pdo:g} 分；分数越高越安全。{n:,} 份留出申请"
        "（{bad:,} 份违约）：KS {ks:.3f}，AUC {auc:.3f}，基尼系数 {gini:.3f}。",
    "Characteristics": "特征",
    "Grades (development sample)": "信用等级（开发样本）",
    "KS and ROC curves on the holdout": "留出样本上的 KS 与 ROC 曲线",
    "Population stability of the scores: PSI {psi:.3f} ({band}; below 0.1 stable, 0.1 to 0.25 a moderate "
    "shift, 0.25 or more a significant shift).":
        "评分的群体稳定性：PSI {psi:.3f}（{band}；低于 0.1 为稳定，0.1 至 0.25 为中度偏移，0.25 及以上为显著偏移）。",
    "Points table": "分值表",
    # survey
    "Customer satisfaction": "客户满意度",
    "PLS path model on {n:,} respondents ({k} latent variables, scheme {scheme!r}). {sat} index {index:.1f} on "
    "0-100, R-squared {r2:.2f}. The strongest driver of {sat} is {driver} (total effect {effect:.2f} index "
    "points per point).":
        "基于 {n:,} 位受访者的 PLS 路径模型（{k} 个潜变量，权重方案 {scheme!r}）。{sat} 指数为 {index:.1f}（0-100），"
        "R 方 {r2:.2f}。{sat} 最主要的驱动因素是 {driver}（总效应：每提高 1 分，指数提高 {effect:.2f} 分）。",
    "Indices and measurement quality": "指数与测量质量",
    "Path coefficients": "路径系数",
    "Satisfaction trap: {n:,} respondents ({share:.1%}) are satisfied ({sat} index at least {satisfied:g}) but "
    "not loyal ({loyal_name} below {loyal:g}).":
        "满意度陷阱：{n:,} 位受访者（{share:.1%}）满意（{sat} 指数至少 {satisfied:g}）但不忠诚（{loyal_name} 低于 "
        "{loyal:g}）。",
    "Importance-performance map": "重要性-绩效分析图",
    "importance-performance map and satisfaction-loyalty quadrants": "重要性-绩效分析图与满意度-忠诚度象限",
}

#: Column and index labels of the report's tables.
COLUMNS_ZH: dict[str, str] = {
    "setting": "设置项", "value": "取值", "meaning": "含义", "step": "步骤", "action": "处理", "rows": "行数",
    "customers": "客户数", "column": "字段", "count": "个数", "mean": "均值", "std": "标准差", "min": "最小值",
    "25%": "25%分位", "50%": "中位数", "75%": "75%分位", "max": "最大值",
    "orders": "订单数", "frequency": "重复购买次数", "recency": "首末购买间隔", "T": "T", "since_last": "距上次购买",
    "monetary": "消费总额", "monetary_mean": "单笔消费额", "segment": "客户群", "revenue": "收入",
    "share_of_revenue": "收入占比", "mean_orders": "平均订单数",
    "mean_days_since_last": "距上次购买平均天数", "mean_weeks_since_last": "距上次购买平均周数",
    "mean_months_since_last": "距上次购买平均月数", "mean_quarters_since_last": "距上次购买平均季度数",
    "mean_years_since_last": "距上次购买平均年数", "tier": "等级", "share_of_customers": "客户占比",
    "share_of_value": "价值占比", "stage": "阶段", "detail_stage": "细分阶段", "goal": "目标", "name": "名称",
    "coef": "系数", "se": "标准误", "lower 95%": "95%下限", "upper 95%": "95%上限", "note": "说明",
    "mean_clv": "平均终身价值", "total_clv": "终身价值合计", "mean_p_alive": "平均 P(alive)",
    "share_one_time_buyers": "一次性购买客户占比", "share_of_clv": "终身价值占比",
    "alive_by_construction": "P(alive)=1 源于模型设定", "historical": "历史价值", "current": "当前价值",
    "potential": "潜在价值", "clv": "客户终身价值", "mean_historical": "平均历史价值", "mean_current": "平均当前价值",
    "mean_potential": "平均潜在价值", "share_of_total": "占总价值比例", "customer_id": "客户编号",
    "p_alive": "P(alive)", "expected_purchases": "预期购买次数", "discounted_purchases": "折现购买次数",
    "expected_spend": "预期单笔消费", "model": "模型", "predicted": "预测值", "actual": "实际值",
    "mae": "平均绝对误差", "zero_repeat_predicted": "零重复购买客户（预测）", "zero_repeat_actual": "零重复购买客户（实际）",
    "chi2_p": "卡方检验 p 值", "bic": "BIC", "if bought": "若购买", "then": "则购买", "confidence": "置信度",
    "lift": "提升度", "p (Holm)": "p 值（Holm 校正）", "spend": "消费额", "offer": "推荐商品", "why": "推荐理由",
    "first bought": "先购买", "then bought": "后购买", "days_median": "间隔天数中位数", "days_q25": "间隔天数25%分位",
    "days_q75": "间隔天数75%分位", "auc": "AUC", "top_decile_lift": "前10%提升度", "hit_rate": "命中率",
    "hits": "命中数", "realized_gain": "实现的增量", "category": "类别", "current_tier": "当前档次",
    "offer_tier": "推荐档次", "propensity": "升级倾向", "expected_gain": "预期利润增量", "order_id": "订单编号",
    "date": "日期", "quantity": "数量", "amount": "金额", "score": "评分", "cancelled_same_day": "当日取消",
    "reasons": "原因", "rank": "排名", "measure": "指标", "group": "组", "positives": "流失客户数",
    "positive_rate": "流失率", "cum_share": "累计客户占比", "cum_positives_share": "累计流失客户占比",
    "cum_lift": "累计提升度", "risk": "流失概率", "expected_cost": "预期成本", "cumulative_cost": "累计成本",
    "reason_1": "原因1", "reason_2": "原因2", "impact_1": "影响1", "impact_2": "影响2",
    "min_score": "最低分", "max_score": "最高分",
}

#: Time units (``crmmine._units.time_unit_label``) in Chinese.
UNITS_ZH: dict[str, str] = {"hours": "小时", "days": "天", "weeks": "周", "months": "月", "quarters": "季度",
                            "years": "年"}

#: The cleaning log's reasons and actions (``crmmine.data.CleaningLog``).
LOG_ZH: dict[str, str] = {
    "raw rows": "原始行", "missing customer id": "缺少客户编号", "exact duplicate rows": "完全重复的行",
    "missing or unparseable dates": "日期缺失或无法解析", "missing, non-numeric or infinite amounts":
        "金额缺失、非数值或无穷大", "returns and cancellations": "退货与取消", "zero quantity": "数量为零",
    "zero or negative unit price": "单价为零或负数", "customer ids written as floats made whole numbers":
        "以小数形式书写的客户编号转为整数", "customers with no clean row left": "没有剩余有效行的客户",
    "clean rows": "清洗后的行", "input": "输入", "removed": "已删除", "output": "输出", "changed": "已转换",
    "kept": "保留", "moved to returns": "移至退货表", "kept as negative lines": "作为负数行保留",
}
