# The fields replaced in 0005 and emptied into their successors by 0006.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('exams', '0006_integrity_data'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='attemptquestion',
            name='option_order',
        ),
        migrations.RemoveField(
            model_name='exam',
            name='review',
        ),
    ]
