-- Decree 118/2025/NĐ-CP (9 June 2025, in force 1 July 2025) replaced Decree 61/2018/NĐ-CP.
-- Its Article 14 sets the scope of what the one-stop sections receive: clause 2 lists what a
-- provincial Public Administrative Service Center receives (point c: procedures of vertically
-- organised agencies, cross-referenced as "điểm c khoản 2 Điều 14" in the decree's provisions on
-- those agencies). The summaries read give, in the same passage on the scope of receipt and
-- right after that list, the rule that ministers and the chairman of the provincial People's
-- Committee decide, by field, which procedures are not received at the one-stop section: the
-- provision that replaces Decree 61/2018 art. 14 cl. 5 points a and b. Article 14 is therefore
-- cited; that the rule sits in Article 14 is inferred from those summaries' order.
-- Sources read: the decree's text as published at
--   https://www.hethongphapluat.vn/nghi-dinh-118-2025-nd-cp-thuc-hien-thu-tuc-hanh-chinh-theo-co-che-mot-cua-mot-cua-lien-thong-tai-bo-phan-mot-cua-va-cong-dich-vu-cong-quoc-gia.html
--   (header, articles 1-2), and the summaries of Article 14 at
--   https://news.laodong.vn/thoi-su/pham-vi-tiep-nhan-thu-tuc-hanh-chinh-tai-bo-phan-mot-cua-tu-172025-1528301.ldo
--   https://news.laodong.vn/thoi-su/ubnd-cap-tinh-quyet-dinh-thanh-lap-trung-tam-phuc-vu-hanh-chinh-cong-tu-172025-1529264.ldo
-- NOT CONFIRMED: the clause and point of Article 14 that carry the exclusion (the sources read
-- stop before numbering it). They stay empty rather than guessed; the office sets them with
-- POST /v1/exclusion-grounds (same ground and valid_from 2025-07-01) once checked against the
-- decree's official text.
UPDATE exclusion_grounds
SET article = '14',
    description = CASE ground
        WHEN 'a' THEN 'Không tiếp nhận tại Trung tâm theo Điều 14 Nghị định 118/2025/NĐ-CP'
                      || ' (trường hợp trước đây tại điểm a khoản 5 Điều 14 Nghị định 61/2018/NĐ-CP)'
        ELSE 'Không tiếp nhận tại Trung tâm theo Điều 14 Nghị định 118/2025/NĐ-CP'
             || ' (trường hợp trước đây tại điểm b khoản 5 Điều 14 Nghị định 61/2018/NĐ-CP)'
    END
WHERE document = '118/2025/NĐ-CP' AND valid_from = '2025-07-01' AND article IS NULL;
