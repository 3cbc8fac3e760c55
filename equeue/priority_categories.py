"""The persons served out of turn, as data with the acts that entitle them. The data migration seeds
these rows; docs/queue.md lists them with what has and has not been checked against the acts' texts.

An article number here is the one the act's structure gives for the category's benefits; none has yet
been confirmed against the official text on zakon.rada.gov.ua, so every row is seeded unverified
(``is_verified=False``) until a lawyer of the hromada confirms it in the admin."""

VETERANS_ACT = "Закон України «Про статус ветеранів війни, гарантії їх соціального захисту» від 22.10.1993 № 3551-XII"
VETERANS_URL = "https://zakon.rada.gov.ua/laws/show/3551-12"

CATEGORIES = [
    {
        "code": "war-disabled",
        "name": "Особи з інвалідністю внаслідок війни",
        "kiosk_label": "Особа з інвалідністю внаслідок війни",
        "legal_act": VETERANS_ACT,
        "article": "ст. 13",
        "source_url": VETERANS_URL,
        "note": "Пільги особам з інвалідністю внаслідок війни; пункт про позачергове обслуговування не звірено.",
    },
    {
        "code": "combatants",
        "name": "Учасники бойових дій",
        "kiosk_label": "Учасник бойових дій",
        "legal_act": VETERANS_ACT,
        "article": "ст. 12",
        "source_url": VETERANS_URL,
        "note": "Пільги учасникам бойових дій; пункт про позачергове обслуговування не звірено.",
    },
    {
        "code": "war-participants",
        "name": "Учасники війни",
        "kiosk_label": "Учасник війни",
        "legal_act": VETERANS_ACT,
        "article": "ст. 14",
        "source_url": VETERANS_URL,
        "note": "Пільги учасникам війни; пункт про позачергове обслуговування не звірено.",
    },
    {
        "code": "fallen-families",
        "name": "Члени сімей загиблих (померлих) ветеранів війни та Захисників і Захисниць України",
        "kiosk_label": "Член сім’ї загиблого Захисника",
        "legal_act": VETERANS_ACT,
        "article": "ст. 15",
        "source_url": VETERANS_URL,
        "note": "Пільги членам сімей загиблих (померлих); пункт про позачергове обслуговування не звірено.",
    },
    {
        "code": "disabled",
        "name": "Особи з інвалідністю, діти з інвалідністю та особи, які їх супроводжують",
        "kiosk_label": "Особа з інвалідністю",
        "legal_act": "Закон України «Про основи соціальної захищеності осіб з інвалідністю в Україні» "
        "від 21.03.1991 № 875-XII",
        "article": "",
        "source_url": "https://zakon.rada.gov.ua/laws/show/875-12",
        "note": "Стаття, що встановлює позачергове обслуговування, не встановлена: потрібна звірка.",
    },
    {
        "code": "chornobyl",
        "name": "Особи, які постраждали внаслідок Чорнобильської катастрофи (категорія 1)",
        "kiosk_label": "Постраждалий від Чорнобильської катастрофи",
        "legal_act": "Закон України «Про статус і соціальний захист громадян, які постраждали внаслідок "
        "Чорнобильської катастрофи» від 28.02.1991 № 796-XII",
        "article": "ст. 20",
        "source_url": "https://zakon.rada.gov.ua/laws/show/796-12",
        "note": "Пункт про позачергове обслуговування не звірено.",
    },
    {
        "code": "nazi-victims",
        "name": "Жертви нацистських переслідувань",
        "kiosk_label": "Жертва нацистських переслідувань",
        "legal_act": "Закон України «Про жертви нацистських переслідувань» від 23.03.2000 № 1584-III",
        "article": "ст. 6-1 – 6-4",
        "source_url": "https://zakon.rada.gov.ua/laws/show/1584-14",
        "note": "Пільги за статтями 6-1 – 6-4 не звірено.",
    },
    {
        "code": "pregnant",
        "name": "Вагітні жінки",
        "kiosk_label": "Вагітна жінка",
        "legal_act": "Регламент ЦНАП (рішення ради громади)",
        "article": "",
        "source_url": "",
        "note": "Загальнодержавного акта не знайдено: право на позачергове обслуговування вагітних жінок у ЦНАП "
        "встановлює регламент ЦНАП громади; вкажіть його реквізити.",
    },
]
